#!/usr/bin/env node
// Entry point of `npm start`, `npm run plan` and `npm run bench`: registers the TypeScript loader and hands
// the arguments to the offline-plan CLI.
"use strict";
require("../plan/register");
require("../plan/cli").main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
        process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
        process.exit(1);
    },
);
