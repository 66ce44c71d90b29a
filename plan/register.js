// Loads TypeScript sources through SWC (transpile only, no type check: `npm test` runs `tsc --noEmit`
// separately). Used by the offline plan and the benchmark; jest uses @swc/jest with the same settings.
"use strict";
const fs = require("fs");
const swc = require("@swc/core");

const options = {
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
    sourceMaps: "inline",
};

/**
 * Transpiled code by file, kept with the source it came from: a process that plans many times (the test plan
 * service's planners) loads the project's modules afresh for every plan, and a file is transpiled again only when
 * its source changed.
 */
const transpiled = new Map();

require.extensions[".ts"] = function compileTypeScript(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    let entry = transpiled.get(filename);
    if (entry === undefined || entry.source !== source) {
        entry = { source, code: swc.transformSync(source, { ...options, filename }).code };
        transpiled.set(filename, entry);
    }
    module._compile(entry.code, filename);
};
