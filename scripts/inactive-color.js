#!/usr/bin/env node
/**
 * Where does a new version of a service go? Reads Pulumi.<stack>.yaml (and the activeColor default of
 * Pulumi.yaml) and prints, as `key=value` lines for $GITHUB_OUTPUT:
 *
 *   index        position of the service in the `services` list (for `pulumi config set --path 'services[i]...'`)
 *   active       color that serves the service's hostnames (its own activeColor, else the stack's)
 *   inactive     the other color: the one a new version is deployed to
 *   active-tag / inactive-tag   image tag (or digest) of each color, empty if none
 *   repository   image repository
 *   preview-url  https://<previewHostname>, which always serves the inactive color
 *   target       only with --tag: the color to set the tag on, or empty when either color already runs it
 *                (a build that changed nothing never overwrites the rollback color)
 *
 * usage: node scripts/inactive-color.js <stack> <service> [--tag <tag>]
 * With --tag it refuses (exit 1) when the inactive color takes canary traffic: it is not idle then.
 * Exit 2: unknown stack or service, or bad arguments.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const ROOT = path.resolve(__dirname, "..");
const COLORS = ["blue", "green"];

class UsageError extends Error {}

/** The colors of one service, from the parsed Pulumi.yaml and Pulumi.<stack>.yaml. */
function serviceColors(projectFile, stackFile, serviceName) {
    const ns = projectFile.name;
    const config = (stackFile && stackFile.config) || {};
    // As the Pulumi CLI reads a stack file: a key written without namespace is the project's.
    const get = (key) => (config[`${ns}:${key}`] !== undefined ? config[`${ns}:${key}`] : config[key]);
    const services = get("services") || [];
    const index = services.findIndex((s) => s && s.name === serviceName);
    if (index < 0) {
        const names = services.map((s) => s && s.name).join(", ") || "none";
        throw new UsageError(`no service ${JSON.stringify(serviceName)} in this stack (services: ${names})`);
    }
    const service = services[index];
    const declared = projectFile.config && projectFile.config.activeColor;
    const active = service.activeColor || get("activeColor") || (declared && declared.default) || "blue";
    if (!COLORS.includes(active)) throw new UsageError(`activeColor of ${serviceName} is ${JSON.stringify(active)}, not blue or green`);
    const inactive = active === "blue" ? "green" : "blue";
    const image = service.image || {};
    const tagOf = (color) => (image[color] === undefined || image[color] === null ? "" : String(image[color]));
    return {
        index,
        active,
        inactive,
        activeTag: tagOf(active),
        inactiveTag: tagOf(inactive),
        canaryWeight: Number(service.canaryWeight || 0),
        repository: image.repository || "",
        previewUrl: service.previewHostname ? `https://${service.previewHostname}` : "",
    };
}

/** The color a freshly built tag goes to: empty when a color already runs it, refused under canary traffic. */
function deployTarget(colors, tag) {
    if (tag === colors.activeTag || tag === colors.inactiveTag) return "";
    if (colors.canaryWeight > 0) {
        throw new Error(
            `the inactive color ${colors.inactive} takes ${colors.canaryWeight}% canary traffic: ` +
                "finish the canary (set canaryWeight to 0 or switch) before deploying a new version",
        );
    }
    return colors.inactive;
}

function readStack(stack, root = ROOT) {
    const stackPath = path.join(root, `Pulumi.${stack}.yaml`);
    if (!/^[\w-]+$/.test(stack) || !fs.existsSync(stackPath)) throw new UsageError(`no stack file Pulumi.${stack}.yaml`);
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    return { project, stackFile: YAML.parse(fs.readFileSync(stackPath, "utf8")) };
}

function main(argv, root = ROOT) {
    const [stack, service, flag, tag] = argv;
    if (!stack || !service || (flag !== undefined && (flag !== "--tag" || !tag)) || argv.length > 4) {
        throw new UsageError("usage: node scripts/inactive-color.js <stack> <service> [--tag <tag>]");
    }
    const { project, stackFile } = readStack(stack, root);
    const c = serviceColors(project, stackFile, service);
    const out = {
        index: c.index,
        active: c.active,
        inactive: c.inactive,
        "active-tag": c.activeTag,
        "inactive-tag": c.inactiveTag,
        repository: c.repository,
        "preview-url": c.previewUrl,
    };
    if (tag !== undefined) out.target = deployTarget(c, tag);
    return Object.entries(out).map(([k, v]) => `${k}=${v}\n`).join("");
}

module.exports = { serviceColors, deployTarget, readStack, main, UsageError };

if (require.main === module) {
    try {
        process.stdout.write(main(process.argv.slice(2)));
    } catch (err) {
        process.stderr.write(`inactive-color: ${err.message}\n`);
        process.exit(err instanceof UsageError ? 2 : 1);
    }
}
