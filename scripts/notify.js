#!/usr/bin/env node
/**
 * Posts a delivery event to the team's chat: the workflows call it when prod waits for approval, when a deploy
 * fails, how a switch ended (switched, rolled back, refused, or a failed rollback), and (the drift check) when drift
 * is found. Every message links the workflow run and the stack's CloudWatch dashboard.
 *
 * usage: node scripts/notify.js <event> --stack <stack> [--service <name>] [--color <color>] [--previous <color>]
 *                               [--tag <tag>] [--exit-code <n>] [--detail <text>] [--run-url <url>] [--dashboard-url <url>] [--strict]
 * events: approval | deploy-failed | switch-result (with --color and the guarded switch's --exit-code) | drift
 *
 * Webhooks come from the environment, never from arguments (they are secrets): SLACK_WEBHOOK_URL (a Slack incoming
 * webhook) and TEAMS_WEBHOOK_URL (a Teams Workflows webhook). With neither set it only prints a notice. A failed post
 * is a warning, not a failed deploy, unless --strict. Exit 2: bad arguments or unknown stack.
 *
 * `switch-result` reads `npm run switch`'s exit code: 0 switched, 1 refused by a check (nothing changed), 3 rolled back
 * by itself after a breach, 4 the rollback failed. A switch (exit 0) back to the color that served before the last
 * switch, with no deploy to that color since, is reported as a rollback by hand: it runs the previous version. That
 * is read from the stack file's Git history.
 */
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const ROOT = path.resolve(__dirname, "..");
const EVENTS = ["approval", "deploy-failed", "switch-result", "drift"];
/** `npm run switch` exit codes (ops/switch/run.ts SWITCH_EXIT_CODES). */
const SWITCH_OUTCOMES = { 0: "switched", 1: "refused", 3: "rolled-back", 4: "rollback-failed" };
const COLORS = ["blue", "green"];

class UsageError extends Error {}

function parseArgs(argv) {
    const [event, ...rest] = argv;
    if (!EVENTS.includes(event)) throw new UsageError(`event must be one of ${EVENTS.join(", ")}; got ${JSON.stringify(event)}`);
    const opts = { event, strict: false };
    const names = {
        "--stack": "stack",
        "--service": "service",
        "--color": "color",
        "--previous": "previous",
        "--tag": "tag",
        "--exit-code": "exitCode",
        "--detail": "detail",
        "--run-url": "runUrl",
        "--dashboard-url": "dashboardUrl",
    };
    for (let i = 0; i < rest.length; i++) {
        if (rest[i] === "--strict") {
            opts.strict = true;
            continue;
        }
        const key = names[rest[i]];
        if (!key || rest[i + 1] === undefined) throw new UsageError(`unknown or incomplete option ${JSON.stringify(rest[i])}`);
        opts[key] = rest[++i];
    }
    if (!opts.stack) throw new UsageError("--stack is required");
    for (const key of ["color", "previous"]) {
        if (opts[key] !== undefined && opts[key] !== "" && !COLORS.includes(opts[key])) throw new UsageError(`--${key} must be blue or green`);
    }
    if (event === "switch-result" && (!opts.color || !/^\d+$/.test(opts.exitCode || ""))) throw new UsageError("switch-result needs --color and --exit-code <n>");
    return opts;
}

/** The stack's dashboard URL, as the program names it (lib/dashboard.ts): region and cluster name from the stack files. */
function dashboardUrlFor(stack, root = ROOT) {
    const stackPath = path.join(root, `Pulumi.${stack}.yaml`);
    if (!/^[\w-]+$/.test(stack) || !fs.existsSync(stackPath)) throw new UsageError(`no stack file Pulumi.${stack}.yaml`);
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    const config = (YAML.parse(fs.readFileSync(stackPath, "utf8")) || {}).config || {};
    const value = (key) => {
        const v = config[`${project.name}:${key}`];
        return v !== undefined ? v : project.config && project.config[key] && project.config[key].default;
    };
    const region = value("region");
    const clusterName = value("clusterName") || `service-${stack}`;
    const host = region.startsWith("cn-") ? "console.amazonaws.cn" : region.startsWith("us-gov-") ? "console.amazonaws-us-gov.com" : "console.aws.amazon.com";
    return `https://${region}.${host}/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(clusterName)}`;
}

/** The run being reported, from the variables GitHub Actions sets. */
function runUrlFrom(env) {
    if (!env.GITHUB_SERVER_URL || !env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/**
 * `switch` or `rollback`, from `git log --format=%s -- Pulumi.<stack>.yaml` subjects (newest first). The workflows
 * propose the stack file in pull requests titled `deploy <service> [<tag>] <digest>` (or `deploy: infrastructure`)
 * and `switch(<stack>) <service> to <color>, <switched|not switched> (...)`, squash-merged as `<title> (#<n>)`; the
 * earlier direct commits (`deploy(<stack>): <service> <tag> on <color>`, `switch(<stack>): <service> to <color>`) read
 * the same. Deploys always go to the inactive color, so a deploy of the service since the last switch means the color
 * being switched to runs a new version. A switch that did not happen (refused, rolled back by itself) is passed over.
 */
function switchKind(subjects, { stack, service, color }) {
    const SWITCH = /^switch\(([\w-]+)\):? (\S+) to (blue|green)(?:,? \(?(switched|not switched)\b[^)]*\)?)?(?: \(#\d+\))?$/;
    const DEPLOY = /^deploy(?:\(([\w-]+)\):)? (\S+) /;
    let own = true;
    for (const subject of subjects) {
        const sw = SWITCH.exec(subject);
        const ours = sw && sw[1] === stack && (sw[2] === service || sw[2] === "ALL" || service === "ALL");
        if (own && ours && sw[3] === color) {
            own = false; // this switch's own change, when it has already reached main
            continue;
        }
        own = false;
        const deploy = DEPLOY.exec(subject);
        if (deploy && (deploy[1] === undefined || deploy[1] === stack) && (deploy[2] === service || service === "ALL")) return "switch";
        if (ours && sw[4] !== "not switched") return sw[3] === color ? "switch" : "rollback";
    }
    return "switch";
}

function gitSubjects(stack, root = ROOT) {
    try {
        return execFileSync("git", ["log", "-n", "50", "--format=%s", "--", `Pulumi.${stack}.yaml`], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
    } catch {
        return [];
    }
}

/** The message of an event: a one-line headline and the links. */
function buildMessage(opts) {
    const who = opts.service && opts.service !== "ALL" ? opts.service : "every service";
    const tag = opts.tag ? ` ${opts.tag}` : "";
    const from = opts.previous ? ` (was ${opts.previous})` : "";
    const headlines = {
        approval: `:hourglass_flowing_sand: *${opts.stack}* waits for approval: ${opts.color ? `switch ${who} to *${opts.color}*` : `deploy ${who}${tag} to the inactive color`}.`,
        "deploy-failed": `:x: *${opts.stack}*: deploy of ${who}${tag} failed. Traffic did not move; Git is unchanged.`,
        switched: `:white_check_mark: *${opts.stack}*: ${who} now serves from *${opts.color}*${from}.`,
        "rolled-back-by-hand": `:rewind: *${opts.stack}*: ${who} rolled back to *${opts.color}*${from}: it runs the version that served before the last switch.`,
        refused: `:no_entry: *${opts.stack}*: switch of ${who} to *${opts.color}* refused by a check before any change. Traffic did not move.`,
        "rolled-back": `:rewind: *${opts.stack}*: switch of ${who} to *${opts.color}* rolled back by itself after a breach of its guard. Traffic is back on the previous color.`,
        "rollback-failed": `:rotating_light: *${opts.stack}*: switch of ${who} to *${opts.color}* breached and its ROLLBACK FAILED: where traffic is, is unknown. Follow the run's message now.`,
        "switch-failed": `:x: *${opts.stack}*: switch of ${who} to *${opts.color}* failed (exit ${opts.exitCode}). Git holds the color traffic is on; run the switch again, or with the previous color.`,
        drift: `:warning: *${opts.stack}*: drift found${opts.detail ? `: ${opts.detail}` : ""}. The cloud no longer matches Git.`,
    };
    let kind = opts.event;
    if (opts.event === "switch-result") {
        kind = SWITCH_OUTCOMES[Number(opts.exitCode)] || "switch-failed";
        if (kind === "switched" && opts.kind === "rollback") kind = "rolled-back-by-hand";
    }
    const links = [opts.runUrl && { title: "Run", url: opts.runUrl }, opts.dashboardUrl && { title: "Dashboard", url: opts.dashboardUrl }].filter(Boolean);
    return { headline: headlines[kind], detail: opts.event === "drift" ? undefined : opts.detail, links };
}

/** Slack incoming-webhook payload: `text` (the notification's fallback) and Block Kit blocks. */
function slackPayload(message) {
    const text = [message.headline, message.detail].filter(Boolean).join("\n");
    const blocks = [{ type: "section", text: { type: "mrkdwn", text } }];
    if (message.links.length) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: message.links.map((l) => `<${l.url}|${l.title}>`).join(" · ") }] });
    return { text, blocks };
}

/** Teams Workflows webhook payload: a message with one Adaptive Card. */
function teamsPayload(message) {
    // Slack's mrkdwn to Adaptive Card markdown: no emoji shortcodes, **bold**.
    const text = [message.headline, message.detail]
        .filter(Boolean)
        .join("\n\n")
        .replace(/:[a-z_]+: /g, "")
        .replace(/\*([^*]+)\*/g, "**$1**");
    return {
        type: "message",
        attachments: [
            {
                contentType: "application/vnd.microsoft.card.adaptive",
                content: {
                    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                    type: "AdaptiveCard",
                    version: "1.4",
                    body: [{ type: "TextBlock", text, wrap: true }],
                    actions: message.links.map((l) => ({ type: "Action.OpenUrl", title: l.title, url: l.url })),
                },
            },
        ],
    };
}

/** POSTs JSON; retries network errors, 429 and 5xx (twice, 1 s then 2 s). Resolves `{ ok, status, error }`, never rejects. */
async function postJson(url, payload, { fetch = globalThis.fetch, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), retries = 2, timeoutMs = 10000 } = {}) {
    let last = { ok: false };
    for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) await sleep(1000 * attempt);
        try {
            const res = await fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(payload),
                signal: AbortSignal.timeout(timeoutMs),
            });
            last = { ok: res.ok, status: res.status };
            if (res.ok || (res.status !== 429 && res.status < 500)) return last;
        } catch (err) {
            last = { ok: false, error: err && err.name === "TimeoutError" ? "timeout" : "network error" };
        }
    }
    return last;
}

async function main(argv, { env = process.env, fetch, sleep, out = process.stdout, subjects } = {}) {
    const opts = parseArgs(argv);
    opts.runUrl = opts.runUrl || runUrlFrom(env);
    opts.dashboardUrl = opts.dashboardUrl || dashboardUrlFor(opts.stack);
    if (opts.event === "switch-result" && Number(opts.exitCode) === 0) opts.kind = switchKind(subjects || gitSubjects(opts.stack), opts);
    const message = buildMessage(opts);
    const targets = [
        env.SLACK_WEBHOOK_URL && { name: "Slack", url: env.SLACK_WEBHOOK_URL, payload: slackPayload(message) },
        env.TEAMS_WEBHOOK_URL && { name: "Teams", url: env.TEAMS_WEBHOOK_URL, payload: teamsPayload(message) },
    ].filter(Boolean);
    if (targets.length === 0) {
        out.write(`::notice::no SLACK_WEBHOOK_URL or TEAMS_WEBHOOK_URL: not posted: ${message.headline}\n`);
        return 0;
    }
    let failed = false;
    for (const t of targets) {
        const r = await postJson(t.url, t.payload, { fetch, sleep });
        if (r.ok) out.write(`posted to ${t.name}: ${message.headline}\n`);
        else {
            failed = true;
            // The webhook URL is a secret: name the channel, never the URL.
            out.write(`::warning::posting to ${t.name} failed (${r.status !== undefined ? `HTTP ${r.status}` : r.error}): ${message.headline}\n`);
        }
    }
    return failed && opts.strict ? 1 : 0;
}

module.exports = { EVENTS, SWITCH_OUTCOMES, parseArgs, dashboardUrlFor, runUrlFrom, switchKind, buildMessage, slackPayload, teamsPayload, postJson, main, UsageError };

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`notify: ${err.message}\n`);
            process.exit(err instanceof UsageError ? 2 : 1);
        },
    );
}
