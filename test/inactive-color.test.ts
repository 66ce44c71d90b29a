/** scripts/inactive-color.js: where the delivery pipeline puts a new version. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

interface Colors {
    index: number;
    active: string;
    inactive: string;
    activeTag: string;
    inactiveTag: string;
    canaryWeight: number;
    repository: string;
    previewUrl: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require("../scripts/inactive-color.js") as {
    serviceColors(project: unknown, stackFile: unknown, service: string): Colors;
    deployTarget(colors: Colors, tag: string): string;
    main(argv: string[], root?: string): string;
    UsageError: new (message: string) => Error;
};

const project = { name: "eks-platform", config: { activeColor: { type: "string", default: "blue" } } };
const svc = (extra: Record<string, unknown> = {}) => ({
    name: "app-api",
    previewHostname: "preview-api.example.com",
    image: { repository: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api", blue: "1.8.0", green: "1.7.0" },
    ...extra,
});
const stackFile = (config: Record<string, unknown>) => ({ config });

describe("serviceColors", () => {
    test("the stack-level activeColor applies to a service without its own", () => {
        const c = script.serviceColors(project, stackFile({ "eks-platform:activeColor": "green", "eks-platform:services": [svc()] }), "app-api");
        expect(c).toMatchObject({ index: 0, active: "green", inactive: "blue", activeTag: "1.7.0", inactiveTag: "1.8.0" });
        expect(c.previewUrl).toBe("https://preview-api.example.com");
    });

    test("keys written without namespace are the project's, as the CLI reads them (stackConfigNamespacedWithProject)", () => {
        const c = script.serviceColors(project, stackFile({ activeColor: "green", services: [svc()] }), "app-api");
        expect(c).toMatchObject({ active: "green", inactive: "blue" });
    });

    test("a service's own activeColor wins; Pulumi.yaml's default applies when the stack sets none", () => {
        const services = [svc({ name: "other" }), svc({ activeColor: "green" })];
        expect(script.serviceColors(project, stackFile({ "eks-platform:activeColor": "blue", "eks-platform:services": services }), "app-api")).toMatchObject({
            index: 1,
            active: "green",
            inactive: "blue",
        });
        expect(script.serviceColors(project, stackFile({ "eks-platform:services": services }), "other").active).toBe("blue");
    });

    test("a color without an image has an empty tag", () => {
        const c = script.serviceColors(project, stackFile({ "eks-platform:services": [svc({ image: { repository: "r.example.com/a", blue: "1.0.0" } })] }), "app-api");
        expect(c.inactiveTag).toBe("");
    });

    test("an unknown service or a bad color is refused", () => {
        expect(() => script.serviceColors(project, stackFile({ "eks-platform:services": [svc()] }), "nope")).toThrow(
            'no service "nope" in this stack (services: app-api)',
        );
        expect(() => script.serviceColors(project, stackFile({ "eks-platform:services": [svc({ activeColor: "red" })] }), "app-api")).toThrow(/not blue or green/);
    });
});

describe("deployTarget", () => {
    const colors = (extra: Record<string, unknown> = {}) =>
        script.serviceColors(project, stackFile({ "eks-platform:services": [svc(extra)] }), "app-api");

    test("a new tag goes to the inactive color", () => {
        expect(script.deployTarget(colors(), "1.9.0")).toBe("green");
    });

    test("a tag either color already runs changes nothing (the rollback color is kept)", () => {
        expect(script.deployTarget(colors(), "1.8.0")).toBe("");
        expect(script.deployTarget(colors(), "1.7.0")).toBe("");
    });

    test("refused while the inactive color takes canary traffic", () => {
        expect(() => script.deployTarget(colors({ canaryWeight: 10 }), "1.9.0")).toThrow(/takes 10% canary traffic/);
    });
});

describe("command line", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "inactive-color-"));
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: eks-platform\nconfig:\n  activeColor:\n    default: blue\n");
    fs.writeFileSync(
        path.join(root, "Pulumi.prod.yaml"),
        [
            "config:",
            "  eks-platform:activeColor: green",
            "  eks-platform:services:",
            "    - name: app-api",
            "      previewHostname: preview-api.example.com",
            "      image: {repository: 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api, blue: 1.8.0, green: 1.9.0}",
            "",
        ].join("\n"),
    );
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    test("prints key=value lines for $GITHUB_OUTPUT", () => {
        expect(script.main(["prod", "app-api", "--tag", "2.0.0"], root)).toBe(
            [
                "index=0",
                "active=green",
                "inactive=blue",
                "active-tag=1.9.0",
                "inactive-tag=1.8.0",
                "repository=123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api",
                "preview-url=https://preview-api.example.com",
                "target=blue",
                "",
            ].join("\n"),
        );
        expect(script.main(["prod", "app-api"], root)).not.toContain("target=");
    });

    test("bad arguments and unknown stacks are usage errors", () => {
        expect(() => script.main(["prod"], root)).toThrow(script.UsageError);
        expect(() => script.main(["prod", "app-api", "--tag"], root)).toThrow(script.UsageError);
        expect(() => script.main(["qa", "app-api"], root)).toThrow("no stack file Pulumi.qa.yaml");
    });

    test("runs against this repository's stacks", () => {
        for (const stack of ["dev", "stage", "prod"]) expect(script.main([stack, "app-api"])).toMatch(/^index=0\nactive=(blue|green)\n/);
    });
});
