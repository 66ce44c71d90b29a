#!/usr/bin/env node
// Entry point of `npm run switch`: registers the TypeScript loader and hands the arguments to the guarded switch.
"use strict";
require("../plan/register");
require("../ops/switch/cli").main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err) => {
        process.stderr.write(`switch failed: ${err && err.message ? err.message : err}\n`);
        process.exitCode = 1;
    },
);
