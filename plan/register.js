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

require.extensions[".ts"] = function compileTypeScript(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    const { code } = swc.transformSync(source, { ...options, filename });
    module._compile(code, filename);
};
