/**
 * Example values never reach a real account: the shipped stacks hold documentation values, fine offline, refused
 * by the program when it runs for real (not under mocks) unless the stack sets allowPlaceholders: true.
 */
import * as fs from "fs";
import * as path from "path";
import { findPlaceholders, parseStackConfig, placeholderReasons } from "../config";
import { stackConfig } from "../plan/stackConfig";
import { STACKS } from "./harness";
import { requestPlan, usedBy } from "./planService/client";

const ROOT = path.resolve(__dirname, "..");

function parsed(stack: string) {
    const raw = Object.fromEntries(
        Object.entries(stackConfig(stack))
            .filter(([k]) => k.startsWith("eks-platform:"))
            .map(([k, v]) => [k.slice("eks-platform:".length), v]),
    );
    const { project: _p, stack: _s, allowPlaceholders: _a, ...values } = parseStackConfig(raw, "eks-platform", stack);
    return values;
}

/** Runs the program as a deployment would (a real monitor, not the mocks), in the plan service; its error, if any. */
async function deploy(stack: string, ...set: string[]): Promise<{ name: string; message: string; registered: readonly string[] } | null> {
    const answer = usedBy(await requestPlan({ stack, set, asDeployment: true }));
    return answer.ok ? null : { name: answer.error.name, message: answer.error.message, registered: answer.error.registered };
}

describe("placeholders", () => {
    test.each([
        // AWS documentation's example account id.
        ["arn:aws:iam::123456789012:role/platform-admin", ["AWS documentation account 123456789012"]],
        ["123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api", ["AWS documentation account 123456789012"]],
        // RFC 2606: example.com, example.net, example.org and the .example TLD.
        ["*.example.com", ["reserved example domain (RFC 2606)"]],
        ["api.dev.example.org", ["reserved example domain (RFC 2606)"]],
        ["shop.example", ["reserved example domain (RFC 2606)"]],
        // RFC 5737 TEST-NET-1/2/3 and RFC 3849's IPv6 documentation prefix.
        ["203.0.113.0/24", ["documentation network 203.0.113.0/24"]],
        ["198.51.100.7", ["documentation network 198.51.100.0/24"]],
        ["192.0.2.128/25", ["documentation network 192.0.2.0/24"]],
        ["2001:db8:1::/48", ["documentation network 2001:db8::/32"]],
        ["arn:aws:acm:ap-northeast-2:210987654321:certificate/00000000-0000-4000-8000-000000000000", ["placeholder certificate id"]],
    ])("%s is an example value", (value, reasons) => {
        expect(placeholderReasons(value)).toEqual(reasons);
    });

    test.each(["arn:aws:iam::210987654321:role/admin", "api.mycompany.com", "example.community", "10.30.0.0/16", "203.0.114.0/24", "1234567890123", "arn:aws:acm:ap-northeast-2:210987654321:certificate/6f1c2a7e-0b4d-4c1e-9a55-3d2b8e7f9012"])(
        "%s is not",
        (value) => {
            expect(placeholderReasons(value)).toEqual([]);
        },
    );

    test("the shipped prod stack holds exactly these example values", () => {
        expect(findPlaceholders(parsed("prod")).map((p) => p.path)).toEqual([
            "deployers[0].principalArn",
            "deployers[1].principalArn",
            "deployers[2].principalArn",
            "deployers[3].principalArn",
            "gateway.hostname",
            "gateway.certificateArns[0]",
            "services[0].hostnames[0]",
            "services[0].previewHostname",
            "services[0].image.repository",
            "services[0].aws.secrets[0].secret",
        ]);
    });

    test("the README's list of what to change covers every example value of every shipped stack", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const start = readme.indexOf("### Values to change");
        const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
        const named = [...section.matchAll(/`([A-Za-z][\w.[\]]*)`/g)].map((m) => m[1]);
        const paths = new Set(STACKS.flatMap((s) => findPlaceholders(parsed(s)).map((p) => p.path.replace(/\[\d+\]/g, "[]"))));
        // Each example value's path is named there, or a key or path that contains it (`services[]` covers its fields).
        const covered = (p: string) => named.some((n) => p === n || p.startsWith(`${n}.`) || p.startsWith(`${n}[`));
        for (const p of paths) expect([p, covered(p)]).toEqual([p, true]);
    });

    test("run for real, the program refuses them in one message naming each, before registering anything", async () => {
        const err = await deploy("prod");
        expect(err?.name).toBe("PlaceholderError");
        expect(err!.message.split("\n")).toHaveLength(1);
        expect(err!.message).toMatch(/^Stack 'prod' still holds 10 example value\(s\) that cannot be deployed: deployers\[0\]\.principalArn "arn:aws:iam::123456789012:role\/ci\/eks-platform-prod-deploy" \(AWS documentation account 123456789012\); /);
        expect(err!.message).toMatch(/gateway\.hostname "\*\.example\.com" \(reserved example domain \(RFC 2606\)\)/);
        expect(err!.message).toMatch(/set allowPlaceholders: true if you mean them\.$/);
        // Only the stack itself: the refusal comes from the first line of index.ts, before any provider or resource.
        expect(err!.registered).toEqual(["pulumi:pulumi:Stack"]);
    });

    test("allowPlaceholders: true lets a deliberate sandbox deploy them; the offline plan never needs it", async () => {
        expect(await deploy("dev", "allowPlaceholders=true")).toBeNull();
    });
});
