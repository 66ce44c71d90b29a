"use strict";
const lazy = require("./lazy");
module.exports = lazy(lazy.mainOf("@npmcli/arborist"));
