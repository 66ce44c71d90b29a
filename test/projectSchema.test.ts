/**
 * `Pulumi.yaml` against the rules of Pulumi's project schema (pulumi/pulumi `sdk/go/common/workspace/project.json`:
 * config entries are a string, integer, boolean, list, or a declaration with only `type`, `items`, `description`,
 * `secret`, `default`, `value`; `type` is one of string, integer, boolean, array, object; `items` needs a `type`,
 * and an `items` of type array needs its own `items`) and of `Project.Validate`, and every shipped stack against
 * the CLI's required-key and type checks (`pkg/workspace/config.go` mergeConfig). The rule checker is this
 * project's own (`plan/project.ts`); the cases below pin it to the schema's facts.
 */
import * as fs from "fs";
import * as path from "path";
import { CONFIG_TYPES, parseProject, projectDeclarationProblems, projectSchemaProblems, validateConfigValue } from "../plan/project";
import { listStacks, resolveStackConfig } from "../plan/stackConfig";
import { parseYamlText } from "../plan/yamlFile";

const ROOT = path.resolve(__dirname, "..");
const raw = parseYamlText(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"), "Pulumi.yaml") as { name: string; config: Record<string, Record<string, unknown>> };
const project = parseProject(raw, "Pulumi.yaml");
const projectKeys = Object.keys(project.config).filter((k) => !k.includes(":"));

describe("the project schema's rules", () => {
    test("the allowed config types are the schema's simpleConfigType enum", () => {
        expect([...CONFIG_TYPES]).toEqual(["string", "integer", "boolean", "array", "object"]);
    });

    test.each<[string, unknown, RegExp]>([
        ["an unknown type", { name: "p", config: { k: { type: "number", default: 1 } } }, /#\/config\/k\/type: value must be one of/],
        ["a field a declaration does not have", { name: "p", config: { k: { type: "string", required: true } } }, /#\/config\/k: additionalProperties 'required' not allowed/],
        ["items without a type", { name: "p", config: { k: { type: "array", items: { description: "x" } } } }, /#\/config\/k\/items: missing properties: 'type'/],
        ["items of type array without their own items", { name: "p", config: { k: { type: "array", items: { type: "array" } } } }, /#\/config\/k\/items: missing properties: 'items'/],
        ["a null entry", { name: "p", config: { k: null } }, /#\/config\/k: expected a string, integer, boolean, array or a config type declaration, but got null/],
        ["a fractional shorthand number", { name: "p", config: { k: 1.5 } }, /#\/config\/k: a number must be an integer/],
        ["no name", { runtime: "nodejs" }, /project is missing a 'name' attribute/],
    ])("refuses %s", (_what, doc, message) => {
        expect(projectSchemaProblems(doc).join("; ")).toMatch(message);
    });

    test("accepts the shorthand forms and the config-directory string form", () => {
        expect(projectSchemaProblems({ name: "p", runtime: { name: "nodejs", options: { typescript: true } }, config: { a: "x", b: 2, c: true, d: ["*"] } })).toEqual([]);
        expect(projectSchemaProblems({ name: "p", config: "config-dir" })).toEqual([]);
    });

    test("ValidateConfigValue: top-level text counts as integer or boolean when it reads as one; object means a map", () => {
        expect([validateConfigValue("integer", undefined, "20"), validateConfigValue("integer", undefined, "2.5"), validateConfigValue("integer", undefined, 3)]).toEqual([true, false, true]);
        expect([validateConfigValue("boolean", undefined, "true"), validateConfigValue("boolean", undefined, "yes")]).toEqual([true, false]);
        expect([validateConfigValue("object", undefined, {}), validateConfigValue("object", undefined, []), validateConfigValue("object", undefined, "{}")]).toEqual([true, false, false]);
        expect(validateConfigValue("array", { type: "object" }, [{}, { a: 1 }])).toBe(true);
        expect(validateConfigValue("array", undefined, [])).toBe(false);
    });
});

describe("Pulumi.yaml", () => {
    test("passes the project schema and Project.Validate", () => {
        expect(projectSchemaProblems(raw)).toEqual([]);
        expect(projectDeclarationProblems(project)).toEqual([]);
    });

    test("every project key declares a type, a description and a default that is not null (none is required of a stack)", () => {
        for (const key of projectKeys) {
            const decl = project.config[key];
            expect([key, (CONFIG_TYPES as readonly string[]).includes(decl.type ?? ""), typeof decl.description]).toEqual([key, true, "string"]);
            expect([key, decl.default !== undefined && decl.default !== null]).toEqual([key, true]);
            expect([key, validateConfigValue(decl.type!, decl.items, decl.default)]).toEqual([key, true]);
        }
    });

    test("the README's minimum Pulumi CLI version accepts every declared type (`object` needs 3.187)", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const m = /Pulumi CLI ≥ (\d+)\.(\d+)/.exec(readme);
        expect(m).not.toBeNull();
        const usesObject = projectKeys.some((k) => project.config[k].type === "object" || project.config[k].items?.type === "object");
        expect(usesObject).toBe(true);
        expect(Number(m![1]) * 1000 + Number(m![2])).toBeGreaterThanOrEqual(3 * 1000 + 187);
    });

    test.each(listStacks(ROOT))("stack %s passes the CLI's required-key and type checks, and every declared key reaches the program", (stack) => {
        const { config } = resolveStackConfig(stack, [], ROOT);
        for (const key of projectKeys) expect([key, typeof config[`${project.name}:${key}`]]).toEqual([key, "string"]);
        expect(config["pulumi:disable-default-providers"]).toBe('["*"]');
    });
});
