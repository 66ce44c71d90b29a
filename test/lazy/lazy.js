// Packages the Pulumi SDK loads when it loads, for features the tests never use (closure serialization: the
// TypeScript compiler, npm's arborist): jest evaluates a module once per test file, so each of those would be
// evaluated in every file that reaches the SDK. jest.config.js maps their names to modules made here, which load
// the package on first use instead.
"use strict";
const path = require("path");

/** A stand-in for the package whose main file is `file` (an absolute path, which jest does not map). */
module.exports = function lazy(file) {
    let loaded;
    const load = () => (loaded ??= require(file));
    return new Proxy(
        {},
        {
            // `import * as x` compiles to __importStar, which passes an ES module's namespace through untouched
            // rather than copying (and so loading) every export; `import x from` reads `default`.
            get: (_, key) => (key === "__esModule" ? true : key === "default" ? load() : load()[key]),
            has: (_, key) => key in load(),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Object.getOwnPropertyDescriptor(load(), key);
                return descriptor && { ...descriptor, configurable: true };
            },
        },
    );
};

/** The main file of `pkg` as installed for the Pulumi SDK. */
module.exports.mainOf = (pkg) => require.resolve(pkg, { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] });
