#!/usr/bin/env node
/**
 * Validates what starts a deploy or a switch before any step uses it, and prints the values as `key=value`
 * lines for $GITHUB_OUTPUT. A value that is not exactly of its shape stops the job (exit 2, one line), so a
 * multi-line or shell-looking value never reaches an output, a script or a commit message.
 *
 *   deploy: INPUT_SERVICE (empty: infrastructure only; else a service of some stack), INPUT_TAG (Docker tag
 *           grammar, optional), INPUT_DIGEST (sha256:<64 hex>, required with a service)
 *   switch: INPUT_STACK (a stack file), INPUT_SERVICE (a service of that stack), INPUT_COLOR (blue | green)
 *
 * usage: node scripts/delivery-inputs.js deploy|switch
 */
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const ROOT = path.resolve(__dirname, "..");
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

class InputError extends Error {}

function stacks(root) {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.([\w-]+)\.yaml$/.exec(f))
        .filter(Boolean)
        .map((m) => m[1])
        .sort();
}

/** Service names of one stack file (namespaced or not, as the CLI reads them). */
function servicesOf(root, stack) {
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")).name;
    const config = (YAML.parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) || {}).config || {};
    const services = config[`${project}:services`] || config.services || [];
    return services.map((s) => s && s.name).filter(Boolean);
}

function show(v) {
    return JSON.stringify(v);
}

function validateDeploy(env, root = ROOT) {
    const service = env.INPUT_SERVICE || "";
    const tag = env.INPUT_TAG || "";
    const digest = env.INPUT_DIGEST || "";
    if (service === "") {
        if (tag || digest) throw new InputError(`tag/digest given without a service: expected a service name with them`);
        return { service: "", tag: "", digest: "", message: "deploy: infrastructure" };
    }
    const known = [...new Set(stacks(root).flatMap((s) => servicesOf(root, s)))].sort();
    if (!NAME.test(service) || !known.includes(service)) throw new InputError(`service is ${show(service)}, expected one of ${known.join(", ")}`);
    if (!DIGEST.test(digest)) throw new InputError(`digest is ${show(digest)}, expected sha256:<64 lowercase hex> (images are deployed by digest)`);
    if (tag !== "" && (!TAG.test(tag) || tag === "latest")) throw new InputError(`tag is ${show(tag)}, expected a Docker tag (letters, digits, _ . -, at most 128, not latest)`);
    return { service, tag, digest, message: `deploy ${service} ${tag ? `${tag} ` : ""}${digest}` };
}

function validateSwitch(env, root = ROOT) {
    const stack = env.INPUT_STACK || "";
    const all = stacks(root);
    if (!all.includes(stack)) throw new InputError(`stack is ${show(stack)}, expected one of ${all.join(", ")}`);
    const service = env.INPUT_SERVICE || "";
    const known = servicesOf(root, stack);
    if (!NAME.test(service) || !known.includes(service)) throw new InputError(`service is ${show(service)}, expected one of ${known.join(", ")} (services of ${stack})`);
    const color = env.INPUT_COLOR || "";
    if (!["blue", "green"].includes(color)) throw new InputError(`color is ${show(color)}, expected blue or green`);
    return { stack, service, color };
}

function main(argv, env, out, err) {
    try {
        const kind = argv[0];
        if (kind !== "deploy" && kind !== "switch") throw new InputError("usage: node scripts/delivery-inputs.js deploy|switch");
        const values = kind === "deploy" ? validateDeploy(env) : validateSwitch(env);
        for (const [k, v] of Object.entries(values)) out(`${k}=${v}\n`);
        return 0;
    } catch (e) {
        if (!(e instanceof InputError)) throw e;
        err(`::error::${e.message}\n`);
        return 2;
    }
}

module.exports = { validateDeploy, validateSwitch, main, InputError };

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), process.env, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
