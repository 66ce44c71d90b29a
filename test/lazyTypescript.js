// Jest maps `typescript` here (jest.config.js). The Pulumi SDK loads the TypeScript compiler when it loads (for
// closure serialization, which the tests never use), and jest evaluates a module once per test file: 9 MB of
// compiler in every file that reaches the SDK. This module loads the compiler on first use instead.
"use strict";
const path = require("path");

// An absolute path: jest maps the bare name `typescript` to this module.
const COMPILER = path.join(path.dirname(require.resolve("typescript/package.json")), "lib", "typescript.js");

let compiler;
const load = () => (compiler ??= require(COMPILER));

module.exports = new Proxy(
    {},
    {
        // `import * as ts` compiles to __importStar, which passes an ES module's namespace through untouched rather
        // than copying (and so loading) every export; `import ts from` reads `default`.
        get: (_, key) => (key === "__esModule" ? true : key === "default" ? load() : load()[key]),
        has: (_, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Object.getOwnPropertyDescriptor(load(), key);
            return descriptor && { ...descriptor, configurable: true };
        },
    },
);
