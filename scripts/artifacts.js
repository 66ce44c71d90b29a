#!/usr/bin/env node
// Entry point of `npm run artifacts`: checks (or records) the sha256 sums of what a deploy pulls from the internet.
"use strict";
require("../plan/register");
require("../ops/artifactsCli").main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err) => {
        process.stderr.write(`artifacts: ${err && err.message ? err.message : err}\n`);
        process.exitCode = 1;
    },
);
