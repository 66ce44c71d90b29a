#!/usr/bin/env node
// Entry point of `npm start`, `npm run plan` and `npm run bench`: registers the TypeScript loader and hands
// the arguments to the offline-plan CLI. The exit code is set, never forced with process.exit(): that would
// cut off output a pipe has not taken yet (anything past the pipe's 64 KiB buffer).
"use strict";
require("../plan/register");
require("../plan/cli").main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err) => {
        // A failure of the tool or the program itself, not of the input: exit 3 with the stack trace.
        process.stderr.write(`offline plan failed: ${err && err.stack ? err.stack : err}\n`);
        process.exitCode = 3;
    },
);
