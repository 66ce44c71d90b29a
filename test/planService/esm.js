// `import()` of an ES module from the planner's TypeScript, which SWC compiles to CommonJS (where it would become
// a `require`, and an ES module cannot be required on this Node version).
"use strict";
module.exports = (url) => import(url);
