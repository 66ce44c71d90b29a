/** scripts/notify.js: what the workflows post to Slack or Teams, tested offline with a fake fetch. */
import * as path from "path";

interface Message {
    headline: string;
    detail?: string;
    links: { title: string; url: string }[];
}
type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ ok: boolean; status: number }>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const notify = require("../scripts/notify.js") as {
    parseArgs(argv: string[]): Record<string, string | boolean>;
    dashboardUrlFor(stack: string): string;
    runUrlFrom(env: Record<string, string>): string | undefined;
    SWITCH_OUTCOMES: Record<number, string>;
    switchKind(subjects: string[], opts: { stack: string; service: string; color: string }): "switch" | "rollback";
    buildMessage(opts: Record<string, unknown>): Message;
    slackPayload(m: Message): { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[] };
    teamsPayload(m: Message): { type: string; attachments: { contentType: string; content: { type: string; body: { text: string }[]; actions: { url: string }[] } }[] };
    postJson(url: string, payload: unknown, opts: { fetch: Fetch; sleep: (ms: number) => Promise<void> }): Promise<{ ok: boolean; status?: number; error?: string }>;
    main(argv: string[], opts: { env: Record<string, string>; fetch?: Fetch; sleep?: (ms: number) => Promise<void>; out: { write(s: string): void }; subjects?: string[] }): Promise<number>;
    UsageError: new (m: string) => Error;
};
import { SWITCH_EXIT_CODES } from "../ops/switch/run";
import { plan } from "./harness";

const SLACK = "https://hooks.slack.com/services/T000/B000/secret-token";
const GITHUB = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/platform", GITHUB_RUN_ID: "42" };

function fakeFetch(statuses: number[]) {
    const calls: { url: string; body: unknown }[] = [];
    const fetch: Fetch = async (url, init) => {
        calls.push({ url, body: JSON.parse(init.body) });
        const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
        if (status === 0) throw new TypeError("fetch failed");
        return { ok: status >= 200 && status < 300, status };
    };
    return { fetch, calls };
}

function output() {
    const lines: string[] = [];
    return { out: { write: (s: string) => void lines.push(s) }, lines };
}

const noSleep = async () => undefined;

describe("notify.js", () => {
    test("the dashboard link is the stack output the program exports, for every stack", async () => {
        for (const stack of ["dev", "stage", "prod"]) {
            expect(notify.dashboardUrlFor(stack)).toBe((await plan(stack)).outputs.dashboardUrl);
        }
        expect(notify.dashboardUrlFor("prod")).toBe("https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#dashboards/dashboard/service-prod");
    });

    test("the run link comes from GitHub's variables", () => {
        expect(notify.runUrlFrom(GITHUB)).toBe("https://github.com/acme/platform/actions/runs/42");
        expect(notify.runUrlFrom({})).toBeUndefined();
    });

    test("prod waits for approval: Slack gets the headline and both links", async () => {
        const { fetch, calls } = fakeFetch([200]);
        const { out, lines } = output();
        const code = await notify.main(["approval", "--stack", "prod", "--service", "app-api", "--tag", "git-0123456789ab"], { env: { ...GITHUB, SLACK_WEBHOOK_URL: SLACK }, fetch, out });
        expect(code).toBe(0);
        expect(calls).toHaveLength(1);
        expect(calls[0].url).toBe(SLACK);
        const payload = calls[0].body as ReturnType<typeof notify.slackPayload>;
        expect(payload.text).toBe(":hourglass_flowing_sand: *prod* waits for approval: deploy app-api git-0123456789ab to the inactive color.");
        expect(payload.blocks[1]).toEqual({
            type: "context",
            elements: [
                {
                    type: "mrkdwn",
                    text: "<https://github.com/acme/platform/actions/runs/42|Run> · <https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#dashboards/dashboard/service-prod|Dashboard>",
                },
            ],
        });
        // The webhook is a secret: it never appears in the job's log.
        expect(lines.join("")).not.toContain("secret-token");
        expect(lines.join("")).toContain("posted to Slack");
    });

    test("a switch back to the color that served before the last switch, with no deploy to it since, is a rollback by hand", () => {
        const opts = { stack: "prod", service: "app-api", color: "blue" };
        // The titles of the workflows' stack-file pull requests, squash-merged (newest first, as `git log` prints them).
        const done = (color: string, pr: number) => `switch(prod) app-api to ${color}, switched (the file holds the color traffic is on) (#${pr})`;
        const deploy = (pr: number) => `deploy app-api 1.9.0 sha256:${"ab".repeat(32)} (#${pr})`;
        expect(notify.switchKind([done("green", 12), deploy(11), done("blue", 10)], opts)).toBe("rollback");
        // The switch's own change, if it already reached main, is passed over.
        expect(notify.switchKind([done("blue", 13), done("green", 12)], opts)).toBe("rollback");
        // A switch that did not happen (refused, or rolled back by itself) moved no traffic: passed over too.
        expect(notify.switchKind(["switch(prod) app-api to blue, not switched (the file holds the color traffic is on) (#13)", done("green", 12)], opts)).toBe("rollback");
        // A deploy since the last switch put a new version on the inactive color: going there is a switch forward.
        expect(notify.switchKind([deploy(13), done("green", 12)], opts)).toBe("switch");
        expect(notify.switchKind(["deploy: infrastructure (#13)", done("green", 12)], opts)).toBe("rollback");
        // The direct commits of earlier versions of the workflows read the same.
        expect(notify.switchKind(["switch(prod): app-api to green (switched; x)", "deploy(prod): app-api 1.8.0 on blue"], opts)).toBe("rollback");
        // Another service's history says nothing about this one.
        expect(notify.switchKind(["switch(prod) payments to green, switched (x) (#9)", "deploy payments 2.0 sha256:00 (#8)"], opts)).toBe("switch");
        expect(notify.switchKind([], opts)).toBe("switch");
    });

    test("switch-result follows npm run switch's exit codes; Teams gets an Adaptive Card with the links", async () => {
        expect(notify.SWITCH_OUTCOMES).toEqual({ 0: "switched", 1: "refused", 3: "rolled-back", 4: "rollback-failed" });
        for (const [outcome, code] of Object.entries(SWITCH_EXIT_CODES)) {
            if (outcome !== "unchanged") expect(notify.SWITCH_OUTCOMES[code]).toBe(outcome);
        }
        const { fetch, calls } = fakeFetch([200]);
        const { out } = output();
        await notify.main(["switch-result", "--stack", "prod", "--service", "app-api", "--color", "green", "--previous", "blue", "--exit-code", "0"], {
            env: { ...GITHUB, TEAMS_WEBHOOK_URL: "https://example.webhook.office.com/workflows/abc" },
            fetch,
            out,
            subjects: [`deploy app-api 1.9.0 sha256:${"cd".repeat(32)} (#7)`, "switch(prod) app-api to blue, switched (the file holds the color traffic is on) (#6)"],
        });
        const card = (calls[0].body as ReturnType<typeof notify.teamsPayload>).attachments[0];
        expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
        expect(card.content.type).toBe("AdaptiveCard");
        expect(card.content.body[0].text).toBe("**prod**: app-api now serves from **green** (was blue).");
        expect(card.content.actions.map((a) => a.url)).toEqual([
            "https://github.com/acme/platform/actions/runs/42",
            "https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#dashboards/dashboard/service-prod",
        ]);
        const result = (exitCode: string, kind?: string) =>
            notify.buildMessage({ event: "switch-result", exitCode, kind, stack: "prod", service: "app-api", color: "green" }).headline;
        expect(result("0", "rollback")).toMatch(/^:rewind: \*prod\*: app-api rolled back to \*green\*: it runs the version that served before the last switch\.$/);
        expect(result("1")).toMatch(/refused by a check before any change/);
        expect(result("3")).toMatch(/rolled back by itself after a breach/);
        expect(result("4")).toMatch(/^:rotating_light: .*ROLLBACK FAILED/);
        expect(result("2")).toMatch(/failed \(exit 2\)/);
    });

    test("drift and failures", () => {
        expect(notify.buildMessage({ event: "drift", stack: "prod", detail: "3 resources differ" }).headline).toBe(
            ":warning: *prod*: drift found: 3 resources differ. The cloud no longer matches Git.",
        );
        expect(notify.buildMessage({ event: "deploy-failed", stack: "stage", service: "app-api", tag: "1.9.0" }).headline).toBe(
            ":x: *stage*: deploy of app-api 1.9.0 failed. Traffic did not move; Git is unchanged.",
        );
    });

    test("retries 429, 5xx and network errors, not 4xx; a failed post warns and exits 0 unless --strict", async () => {
        const retried = fakeFetch([503, 0, 200]);
        expect(await notify.postJson(SLACK, {}, { fetch: retried.fetch, sleep: noSleep })).toEqual({ ok: true, status: 200 });
        expect(retried.calls).toHaveLength(3);
        const rejected = fakeFetch([404]);
        expect(await notify.postJson(SLACK, {}, { fetch: rejected.fetch, sleep: noSleep })).toEqual({ ok: false, status: 404 });
        expect(rejected.calls).toHaveLength(1);

        const { out, lines } = output();
        const args = ["drift", "--stack", "dev", "--detail", "1 resource differs"];
        expect(await notify.main(args, { env: { SLACK_WEBHOOK_URL: SLACK }, fetch: fakeFetch([500]).fetch, sleep: noSleep, out })).toBe(0);
        expect(lines.join("")).toMatch(/^::warning::posting to Slack failed \(HTTP 500\)/);
        expect(await notify.main([...args, "--strict"], { env: { SLACK_WEBHOOK_URL: SLACK }, fetch: fakeFetch([500]).fetch, sleep: noSleep, out })).toBe(1);
    });

    test("without a webhook it prints a notice and posts nothing", async () => {
        const { fetch, calls } = fakeFetch([200]);
        const { out, lines } = output();
        expect(await notify.main(["approval", "--stack", "prod", "--service", "ALL", "--color", "green"], { env: {}, fetch, out })).toBe(0);
        expect(calls).toEqual([]);
        expect(lines.join("")).toBe("::notice::no SLACK_WEBHOOK_URL or TEAMS_WEBHOOK_URL: not posted: :hourglass_flowing_sand: *prod* waits for approval: switch every service to *green*.\n");
    });

    test("bad arguments are usage errors (exit 2 from the command line)", () => {
        expect(() => notify.parseArgs(["party", "--stack", "prod"])).toThrow(notify.UsageError);
        expect(() => notify.parseArgs(["switch-result", "--stack", "prod", "--color", "green"])).toThrow(/switch-result needs --color and --exit-code/);
        expect(() => notify.parseArgs(["switch-result", "--stack", "prod", "--color", "red", "--exit-code", "0"])).toThrow(/--color must be blue or green/);
        expect(() => notify.dashboardUrlFor("../etc")).toThrow(/no stack file/);
        expect(path.basename(require.resolve("../scripts/notify.js"))).toBe("notify.js");
    });
});
