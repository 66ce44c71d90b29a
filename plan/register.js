// Loads TypeScript sources through SWC (transpile only, no type check: `npm test` runs `tsc --noEmit`
// separately). Used by the offline plan and the benchmark; jest uses @swc/jest with the same settings.
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");
const swc = require("@swc/core");

const options = {
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
    sourceMaps: "inline",
};

/**
 * Per file, its source and its compiled script. A process that plans many times (the test plan service's
 * planners) loads the project's modules afresh for every plan: a file unchanged since is then neither transpiled
 * nor compiled again, and V8 keeps the functions it compiled on earlier runs (Module.prototype._compile would
 * compile the file anew each time; a prod plan in a warm planner took 40% longer that way).
 */
const compiled = new Map();

require.extensions[".ts"] = function compileTypeScript(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    let entry = compiled.get(filename);
    if (entry === undefined || entry.source !== source) {
        const { code } = swc.transformSync(source, { ...options, filename });
        entry = { source, script: new vm.Script(Module.wrap(code), { filename }) };
        compiled.set(filename, entry);
    }
    // What Module.prototype._compile does with the wrapped function: the module's own require, then the call.
    const require = (id) => module.require(id);
    require.resolve = (request, opts) => Module._resolveFilename(request, module, false, opts);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    entry.script.runInThisContext().call(module.exports, module.exports, require, module, filename, path.dirname(filename));
};
