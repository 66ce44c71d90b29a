/**
 * The offline plan reads config as the Pulumi CLI does. Every case below replays a case of pulumi/pulumi's own
 * tests (named in the test title, with its file) or a rule of its source (function named), with the upstream
 * inputs and expected values, against this project's port (`plan/configValue.ts`, `plan/propertyPath.ts`,
 * `plan/project.ts`, `plan/stackConfig.ts`).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Ciphertext, ConfigObject, ConfigValues, coerce, parseKey, setConfig, storedForm } from "../plan/configValue";
import { formatPropertyPath, parsePropertyPath } from "../plan/propertyPath";
import { ProjectError, parseProject } from "../plan/project";
import { readStackFile, resolveStackConfig, SECRET_PLACEHOLDER, StackConfigError } from "../plan/stackConfig";
import { parseYamlText } from "../plan/yamlFile";

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A project directory with `Pulumi.yaml` and one stack file per entry, as the upstream tests write them. */
function project(projectYaml: string, stacks: Record<string, string> = {}): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "cli-fidelity-"));
    roots.push(root);
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), projectYaml);
    for (const [stack, text] of Object.entries(stacks)) fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
    return root;
}

function resolved(projectYaml: string, stackYaml: string, set: string[] = []) {
    return resolveStackConfig("dev", set, project(projectYaml, { dev: stackYaml }));
}

function failure(projectYaml: string, stackYaml: string, set: string[] = []): string {
    try {
        resolved(projectYaml, stackYaml, set);
    } catch (err) {
        expect(err).toBeInstanceOf(StackConfigError);
        return (err as Error).message;
    }
    throw new Error("expected the CLI's checks to refuse this config");
}

// ---------------------------------------------------------------------------------------------------------------
// Keys: sdk/go/common/resource/config/key_test.go
// ---------------------------------------------------------------------------------------------------------------

describe("config keys (key.go ParseKey)", () => {
    test("TestParseKey: <namespace>:<name> and the legacy <namespace>:config:<name>", () => {
        expect(parseKey("test:config:key")).toEqual({ namespace: "test", name: "key" });
        expect(parseKey("test:key")).toEqual({ namespace: "test", name: "key" });
        expect(() => parseKey("foo")).toThrow("could not parse foo as a configuration key (configuration keys should be of the form `<namespace>:<name>`)");
        expect(() => parseKey("test:data:key")).toThrow("could not parse test:data:key as a configuration key (configuration keys should be of the form `<namespace>:<name>`)");
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Property paths: sdk/go/common/resource/properties_path_test.go
// ---------------------------------------------------------------------------------------------------------------

describe("property paths (properties_path.go ParsePropertyPath, PropertyPath.String)", () => {
    test.each<[string, (string | number)[], string]>([
        ["root", ["root"], "root"],
        ["root.nested", ["root", "nested"], "root.nested"],
        ['root["nested"]', ["root", "nested"], "root.nested"],
        ["root.double.nest", ["root", "double", "nest"], "root.double.nest"],
        ['root["double"].nest', ["root", "double", "nest"], "root.double.nest"],
        ['root["double"]["nest"]', ["root", "double", "nest"], "root.double.nest"],
        ["root.array[0]", ["root", "array", 0], "root.array[0]"],
        ["root.array[1]", ["root", "array", 1], "root.array[1]"],
        ["root.array[0].nested", ["root", "array", 0, "nested"], "root.array[0].nested"],
        ["root.array2[0][1].nested", ["root", "array2", 0, 1, "nested"], "root.array2[0][1].nested"],
        ["root.nested.array[0].double[1]", ["root", "nested", "array", 0, "double", 1], "root.nested.array[0].double[1]"],
        ['root["key with \\"escaped\\" quotes"]', ["root", 'key with "escaped" quotes'], 'root["key with \\"escaped\\" quotes"]'],
        ['root["key with a ."]', ["root", "key with a ."], 'root["key with a ."]'],
        ['["root key with \\"escaped\\" quotes"].nested', ['root key with "escaped" quotes', "nested"], '["root key with \\"escaped\\" quotes"].nested'],
        ['["root key with a ."][1]', ["root key with a .", 1], '["root key with a ."][1]'],
    ])("TestPropertyPath %s", (input, parsed, printed) => {
        expect(parsePropertyPath(input)).toEqual(parsed);
        expect(formatPropertyPath(parsePropertyPath(input))).toBe(printed);
    });

    test("TestPropertyPath: the lenient parser takes '.[' (regression pulumi/pulumi#14439), the strict one refuses it", () => {
        expect(parsePropertyPath("root.array.[1]", false)).toEqual(["root", "array", 1]);
        expect(parsePropertyPath('root.["key with a ."]', false)).toEqual(["root", "key with a ."]);
        expect(() => parsePropertyPath("root.array.[1]")).toThrow("expected property name after '.'");
        expect(() => parsePropertyPath('root.["key with a ."]')).toThrow("expected property name after '.'");
    });

    test("TestPropertyPath Simple: wildcards", () => {
        expect(parsePropertyPath('root["*"].field[1]')).toEqual(["root", "*", "field", 1]);
        expect(parsePropertyPath("root[*].field[2]")).toEqual(["root", "*", "field", 2]);
        expect(parsePropertyPath("root[3].*[3]")).toEqual(["root", 3, "*", 3]);
        expect(parsePropertyPath("*.bar")).toEqual(["*", "bar"]);
    });

    test("TestParsePropertyPathStrictAcceptsBareSpecialChars", () => {
        expect(parsePropertyPath("foo-bar")).toEqual(["foo-bar"]);
        expect(parsePropertyPath("root.foo-bar")).toEqual(["root", "foo-bar"]);
        expect(parsePropertyPath("foo:bar")).toEqual(["foo:bar"]);
        expect(parsePropertyPath("foo/bar")).toEqual(["foo/bar"]);
        expect(parsePropertyPath("foo@bar")).toEqual(["foo@bar"]);
        expect(parsePropertyPath("foo bar")).toEqual(["foo bar"]);
        expect(parsePropertyPath("naïve")).toEqual(["naïve"]);
        expect(parsePropertyPath("root.foo-bar[0]")).toEqual(["root", "foo-bar", 0]);
    });

    test("TestPropertyPathMarshal: [1][\"*\"][2] and a[1].b", () => {
        expect(formatPropertyPath(["a", 1, "b"])).toBe("a[1].b");
        expect(formatPropertyPath([1, "*", 2])).toBe('[1]["*"][2]');
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Setting values: sdk/go/common/resource/config/map_test.go, pkg/cmd/pulumi/config/config_test.go
// ---------------------------------------------------------------------------------------------------------------

type Stored = { text: string; secure: boolean; object: boolean };
const value = (text: string): Stored => ({ text, secure: false, object: false });
const objectValue = (text: string): Stored => ({ text, secure: false, object: true });
const secureObjectValue = (text: string): Stored => ({ text, secure: true, object: true });

/** Runs `Map.Set(key, value, path)` on a map given in stored form and returns the map in stored form. */
function set(key: string, newValue: ConfigObject, pathMode: boolean, config: Record<string, ConfigObject> = {}): Record<string, Stored> {
    const values: ConfigValues = new Map(Object.entries(config));
    setConfig(values, key, newValue, pathMode);
    return Object.fromEntries([...values].map(([k, v]) => [k, storedForm(v)]));
}

const json = (text: string): ConfigObject => JSON.parse(text) as ConfigObject;

describe("pulumi config set --path (map.go Map.Set, object.go object.Set)", () => {
    test.each<[string, ConfigObject, boolean, Record<string, ConfigObject>, Record<string, Stored>]>([
        ["my:testKey", "testValue", false, {}, { "my:testKey": value("testValue") }],
        ["my:test.Key", "testValue", false, {}, { "my:test.Key": value("testValue") }],
        ["my:testKey", "testValue", true, {}, { "my:testKey": value("testValue") }],
        ["my:0", "testValue", true, {}, { "my:0": value("testValue") }],
        ['my:["0"]', "testValue", true, {}, { "my:0": value("testValue") }],
        ['my:["test.Key"]', "testValue", true, {}, { "my:test.Key": value("testValue") }],
        ['my:nested["test.Key"]', "value", true, {}, { "my:nested": objectValue('{"test.Key":"value"}') }],
        ["my:outer.inner", "value", true, {}, { "my:outer": objectValue('{"inner":"value"}') }],
        ["my:outer.inner", "value", true, { "my:outer": "value" }, { "my:outer": objectValue('{"inner":"value"}') }],
        ["my:outer.inner", "value", true, { "my:outer": new Ciphertext("securevalue") }, { "my:outer": objectValue('{"inner":"value"}') }],
        ["my:outer.inner", "true", true, {}, { "my:outer": objectValue('{"inner":true}') }],
        ["my:outer.inner", "false", true, {}, { "my:outer": objectValue('{"inner":false}') }],
        ["my:outer.inner", "10", true, {}, { "my:outer": objectValue('{"inner":10}') }],
        ["my:outer.inner", "0", true, {}, { "my:outer": objectValue('{"inner":0}') }],
        ["my:outer.inner", "-1", true, {}, { "my:outer": objectValue('{"inner":-1}') }],
        ["my:outer.inner", "00", true, {}, { "my:outer": objectValue('{"inner":"00"}') }],
        ["my:outer.inner", "01", true, {}, { "my:outer": objectValue('{"inner":"01"}') }],
        ["my:outer.inner", "0123456", true, {}, { "my:outer": objectValue('{"inner":"0123456"}') }],
        ["my:array[0]", "value", true, { "my:array": "value" }, { "my:array": objectValue('["value"]') }],
        ["my:outer.inner", "value", true, { "my:outer": json('{"existing":"existingValue"}') }, { "my:outer": objectValue('{"existing":"existingValue","inner":"value"}') }],
        ["my:outer.inner", new Ciphertext("securevalue"), true, {}, { "my:outer": secureObjectValue('{"inner":{"secure":"securevalue"}}') }],
        ["my:outer.inner.nested", "value", true, {}, { "my:outer": objectValue('{"inner":{"nested":"value"}}') }],
        ["my:name[0]", "value", true, {}, { "my:name": objectValue('["value"]') }],
        ["my:name[0][0]", "value", true, {}, { "my:name": objectValue('[["value"]]') }],
        ["my:name[1]", "value", true, { "my:name": json('["a","b","c"]') }, { "my:name": objectValue('["a","value","c"]') }],
        ["my:name[3]", "value", true, { "my:name": json('["a","b","c"]') }, { "my:name": objectValue('["a","b","c","value"]') }],
        ["my:name[3][0]nested", "value", true, { "my:name": json('["a","b","c"]') }, { "my:name": objectValue('["a","b","c",[{"nested":"value"}]]') }],
        ["my:name[3].foo.bar", "value", true, { "my:name": json('["a","b","c"]') }, { "my:name": objectValue('["a","b","c",{"foo":{"bar":"value"}}]') }],
        ["my:servers[0].name", "foo", true, {}, { "my:servers": objectValue('[{"name":"foo"}]') }],
        ["my:servers[0].host", "example", true, { "my:servers": json('[{"name":"foo"}]') }, { "my:servers": objectValue('[{"host":"example","name":"foo"}]') }],
        ["my:name[0]", new Ciphertext("securevalue"), true, { "my:name": json('["a","b","c"]') }, { "my:name": secureObjectValue('[{"secure":"securevalue"},"b","c"]') }],
        ["my:testKey", "true", false, {}, { "my:testKey": value("true") }],
        ["my:testKey", "10", false, {}, { "my:testKey": value("10") }],
        ["my:testKey[0]", "false", true, {}, { "my:testKey": objectValue("[false]") }],
        ["my:testKey[0]", "-1", true, {}, { "my:testKey": objectValue("[-1]") }],
        ["my:testKey[0]", "00", true, {}, { "my:testKey": objectValue('["00"]') }],
        ["my:key.secure", "value", true, { "my:key": json('{"bar":"baz"}') }, { "my:key": objectValue('{"bar":"baz","secure":"value"}') }],
        ["my:special.object", json('{"foo":"bar","fizz":"buzz"}'), true, { "my:special": json('{"thing1":1,"thing2":2}') }, { "my:special": objectValue('{"object":{"fizz":"buzz","foo":"bar"},"thing1":1,"thing2":2}') }],
    ])("TestSetSuccess %s = %j (path %s)", (key, newValue, pathMode, config, expected) => {
        expect(set(key, newValue, pathMode, config)).toEqual(expected);
    });

    test.each<[string, Record<string, ConfigObject>, string]>([
        ["my:root[", {}, "invalid config key path: missing closing bracket in array index"],
        ['my:root["nested]', {}, "invalid config key path: missing closing quote in property name"],
        ["my:root.array[abc]", {}, 'invalid config key path: invalid array index: strconv.ParseInt: parsing "abc": invalid syntax'],
        ['my:[""]', {}, "config key is empty"],
        ["my:[0]", {}, "first path segement of config key must be a string"],
        ["my:name[-1]", {}, "name[-1]: array index out of range"],
        ["my:name[4]", { "my:name": json('["a","b","c"]') }, "name[4]: array index out of range"],
        ["my:key.secure", {}, 'maps with the single key "secure" are reserved'],
        ["my:super.nested.map.secure", {}, 'maps with the single key "secure" are reserved'],
        ["my:outer.inner", { "my:outer": json("[1,2,3]") }, "outer.inner: key for an array must be an int"],
        ["my:array[0]", { "my:array": json('{"inner":"value"}') }, "array[0]: key for a map must be a string"],
        ["my:outer.inner.nested", { "my:outer": json('{"inner":"value"}') }, "outer.inner: expected a map"],
        ["my:outer.inner[0]", { "my:outer": json('{"inner":"value"}') }, "outer.inner: expected an array"],
        ['my:root.[1]"', {}, "invalid config key path: expected property name after '.'"],
    ])("TestSetFail %s", (key, config, message) => {
        expect(() => set(key, "value", true, config)).toThrow(message);
    });

    test("coerce (object.go): on a path, only true/false and integers without a leading zero change type", () => {
        expect([coerce("true"), coerce("false"), coerce("10"), coerce("-1"), coerce("0")]).toEqual([true, false, 10, -1, 0]);
        expect([coerce("00"), coerce("01"), coerce("1.9.1"), coerce("123.456"), coerce("True")]).toEqual(["00", "01", "1.9.1", "123.456", "True"]);
        // Beyond 2^53 the integer stays exact, as Go's int64 / uint64.
        expect(coerce("18446744073709551615")).toBe(18446744073709551615n);
    });

    test("TestConfigSet (config_test.go): top-level values stay strings; on a path an integer is a number and a float a string", () => {
        const root = project("name: testProject\nruntime: nodejs\n", { dev: "" });
        expect(resolveStackConfig("dev", ["testProject:test=true"], root).config["testProject:test"]).toBe("true");
        expect(resolveStackConfig("dev", ["testProject:test=123.456"], root).config["testProject:test"]).toBe("123.456");
        expect(resolveStackConfig("dev", ["testProject:test[0]=true"], root).config["testProject:test"]).toBe("[true]");
        expect(resolveStackConfig("dev", ["testProject:test[0]=123"], root).config["testProject:test"]).toBe("[123]");
        expect(resolveStackConfig("dev", ["testProject:test[0]=123.456"], root).config["testProject:test"]).toBe('["123.456"]');
    });

    test("parseConfigKey (cmd config/io.go): with --path only the first segment may carry a namespace", () => {
        const root = project("name: testProject\nruntime: nodejs\n", { dev: "" });
        expect(resolveStackConfig("dev", ["outer.inner=v"], root).config).toEqual({ "testProject:outer": '{"inner":"v"}' });
        expect(resolveStackConfig("dev", ["aws:tags.team=platform"], root).config).toEqual({ "aws:tags": '{"team":"platform"}' });
        expect(resolveStackConfig("dev", ['tags["kubernetes.io/role"]=x'], root).config).toEqual({ "testProject:tags": '{"kubernetes.io/role":"x"}' });
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Loading a stack file: sdk/go/common/workspace/loaders.go and loaders_test.go
// ---------------------------------------------------------------------------------------------------------------

describe("stack files (loaders.go LoadProjectStackBytes, stackConfigNamespacedWithProject)", () => {
    function load(text: string) {
        const root = project("name: project\nruntime: nodejs\n", { dev: text });
        return readStackFile(path.join(root, "Pulumi.dev.yaml"), "project");
    }

    test("TestEmptyValueWarning: a key with no value is an empty string, with the CLI's warning; \"\" is not warned about", () => {
        const { values, warnings } = load('config:\n  project:a:\n  project:b: null\n  project:c: ~\n  project:d: ""\n');
        expect([...values].map(([k, v]) => [k, storedForm(v)])).toEqual(["a", "b", "c", "d"].map((k) => [`project:${k}`, value("")]));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^warning: No value for configuration keys "project:a", "project:b", "project:c"\. This is currently treated as an empty string/);
        expect(warnings[0]).not.toMatch(/project:d/);
    });

    test("TestNoEmptyValueWarning", () => {
        const { values, warnings } = load("config:\n  project:a: a\n");
        expect(warnings).toEqual([]);
        expect(storedForm(values.get("project:a")!)).toEqual(value("a"));
    });

    test("an empty stack file is a stack without config (the `projectStackRaw == nil` case)", () => {
        expect(load("").values.size).toBe(0);
        expect(load("# only a comment\n").values.size).toBe(0);
        expect(load("").warnings).toEqual(["note: Pulumi.dev.yaml sets no config: every key takes its Pulumi.yaml default"]);
    });

    test("TestUnmarshallNil / TestUnmarshalTime: a null list item and a timestamp load", () => {
        const { values } = load("config:\n  aws:region: us-east-1\n  aws:id:\n    -\n  aws:time: 2020-01-01T00:00:00Z\n");
        expect(storedForm(values.get("aws:id")!)).toEqual(objectValue("[null]"));
        // yaml.v3 decodes a timestamp into interface{} as its text.
        expect(storedForm(values.get("aws:time")!)).toEqual(value("2020-01-01T00:00:00Z"));
    });

    test("stackConfigNamespacedWithProject: a key without namespace is the project's", () => {
        const { values } = load("config:\n  activeColor: green\n  aws:region: us-west-2\n");
        expect([...values.keys()].sort()).toEqual(["aws:region", "project:activeColor"]);
    });

    test("yaml.v3 number rules: 017 is octal, 1_000 drops the underscore, 0b101 is binary, 1.30 is the float 1.3", () => {
        expect(parseYamlText("a: 017\nb: 1_000\nc: 0b101\nd: 1.30\ne: '017'\n", "x.yaml")).toEqual({ a: 15n, b: 1000n, c: 5n, d: 1.3, e: "017" });
    });

    test("a YAML syntax error names the file, line and column on one line", () => {
        expect(() => load("config:\n  project:a: [1, 2\n  project:b: x\n")).toThrow(/^Pulumi\.dev\.yaml:\d+:\d+: YAML syntax error: /);
        expect(() => load("config:\n  project:a: 1\n  project:a: 2\n")).toThrow(/^Pulumi\.dev\.yaml:3:3: YAML syntax error: Map keys must be unique$/);
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Merging the project's declarations: pkg/workspace/config.go mergeConfig, config_project_test.go
// ---------------------------------------------------------------------------------------------------------------

describe("declared config (pkg/workspace/config.go mergeConfig, ValidateStackConfigAndApplyProjectConfig)", () => {
    test("TestStackConfigIsInheritedFromProjectConfig", () => {
        const { config } = resolved(
            "name: test\nruntime: dotnet\nconfig:\n  instanceSize: t3.micro\n  instanceCount: 20\n  protect: true",
            "config:\n  test:instanceSize: t4.large",
        );
        expect(config).toEqual({ "test:instanceSize": "t4.large", "test:instanceCount": "20", "test:protect": "true" });
    });

    test("TestNamespacedConfigValuesAreInheritedCorrectly: other namespaces' shorthand values are values, lists as JSON", () => {
        const { config } = resolved(
            'name: test\nruntime: dotnet\nconfig:\n  aws:region: us-west-1\n  pulumi:disable-default-providers: ["*"]\n  instanceSize: t3.micro',
            "config:\n  test:instanceSize: t4.large",
        );
        expect(config).toEqual({ "test:instanceSize": "t4.large", "aws:region": "us-west-1", "pulumi:disable-default-providers": '["*"]' });
    });

    test("TestLoadingStackConfigWithoutNamespacingTheProject", () => {
        const { config } = resolved("name: test\nruntime: dotnet\nconfig:\n  aws:region: us-west-1\n  instanceSize: t3.micro", "config:\n  instanceSize: t4.large");
        expect(config).toEqual({ "test:instanceSize": "t4.large", "aws:region": "us-west-1" });
    });

    test("TestUntypedProjectConfigValuesAreNotValidated", () => {
        const { config } = resolved("name: test\nruntime: dotnet\nconfig:\n  instanceSize: t3.micro\n  aws:region: us-west-1", "config:\n  instanceSize: 9999\n  aws:region: 42");
        expect(config).toEqual({ "test:instanceSize": "9999", "aws:region": "42" });
    });

    test("TestUntypedProjectConfigValuesWithOnlyDefaultOrOnlyValue", () => {
        const { config } = resolved("name: test\nruntime: dotnet\nconfig:\n  instanceSize:\n    default: t3.micro\n  region:\n    value: us-west-1", "config:\n  aws:answer: 42");
        expect(config).toEqual({ "test:instanceSize": "t3.micro", "test:region": "us-west-1", "aws:answer": "42" });
    });

    test("TestUntypedStackConfigValuesDoNeedProjectDeclaration", () => {
        const { config } = resolved("name: test\nruntime: dotnet\nconfig:\n  createVpc: true", "config:\n  instanceSize: 42");
        expect(config).toEqual({ "test:instanceSize": "42", "test:createVpc": "true" });
    });

    test("TestUntypedProjectConfigObjectValuesPassedDownToStack", () => {
        const { config } = resolved(
            "name: test\nruntime: dotnet\nconfig:\n  instanceSize:\n    value:\n      hello: world\n  aws:config:\n    value:\n      region: us-west-1",
            "config:\n  aws:whatever: 42",
        );
        expect(config).toEqual({ "test:instanceSize": '{"hello":"world"}', "aws:config": '{"region":"us-west-1"}', "aws:whatever": "42" });
    });

    test("TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped", () => {
        expect(failure("name: test\nruntime: dotnet\nconfig:\n  values:\n    type: array\n    items:\n      type: string\n    default: [value]", "config:\n  test:values: someValue\n")).toBe(
            "Stack 'dev' with configuration key 'values' must be of type 'array<string>'",
        );
    });

    test("TestStackConfigIntegerTypeIsCorrectlyValidated", () => {
        const projectYaml = "name: test\nruntime: dotnet\nconfig:\n  importantNumber:\n    type: integer\n";
        expect(resolved(projectYaml, "config:\n  test:importantNumber: 20\n").config["test:importantNumber"]).toBe("20");
        expect(failure(projectYaml, "config:\n  test:importantNumber: hello\n")).toBe("Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'");
    });

    test.each([
        ["TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault", "  values:\n    type: array\n    items:\n      type: string", "Stack 'dev' is missing configuration value 'values'"],
        [
            "TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault",
            "  another:\n    type: string\n  values:\n    type: array\n    items:\n      type: string",
            "Stack 'dev' is missing configuration values 'another' and 'values'",
        ],
        [
            "TestStackConfigErrorsWhenMissingMultipleStackValueForConfigTypeWithNoDefault",
            "  hello:\n    type: integer\n  values:\n    type: array\n    items:\n      type: string\n  world:\n    type: string",
            "Stack 'dev' is missing configuration values 'hello', 'values' and 'world'",
        ],
    ])("%s", (_name, declarations, message) => {
        expect(failure(`name: test\nruntime: dotnet\nconfig:\n${declarations}`, "")).toBe(message);
    });

    test("mergeConfig `hasDefault := Default != nil`: a declared `default: null` makes the key required", () => {
        expect(failure("name: test\nruntime: nodejs\nconfig:\n  existingVpc:\n    description: an existing VPC, or null\n    default: null", "config: {}")).toBe(
            "Stack 'dev' is missing configuration value 'existingVpc'",
        );
    });

    test("TestStackConfigDoesNotErrorWhenProjectHasNotDefinedConfig", () => {
        expect(resolved("name: test\nruntime: dotnet", "config:\n  hello: 21\n  world: 42\n  another: 42").config).toEqual({
            "test:hello": "21",
            "test:world": "42",
            "test:another": "42",
        });
    });

    test("TestStackConfigSecretIsCorrectlyValidated: a key declared secret must be given encrypted", () => {
        const projectYaml = "name: test\nruntime: dotnet\nconfig:\n  importantNumber:\n    type: string\n    secret: true\n";
        const ok = resolved(projectYaml, "config:\n  test:importantNumber:\n    secure: MjA=\n");
        // Offline there is no key: the program gets the placeholder, and the key is reported as secret.
        expect(ok.config["test:importantNumber"]).toBe(SECRET_PLACEHOLDER);
        expect(ok.secretKeys).toEqual(["test:importantNumber"]);
        expect(failure(projectYaml, "config:\n  test:importantNumber: 20\n")).toBe("Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret");
    });

    test("TestEnvironmentMerge (its stack-file part): values reach the program as text, structures as JSON with sorted keys", () => {
        const { config } = resolved(
            "name: test\nruntime: nodejs",
            "config:\n  test:boolean: true\n  test:number: 42\n  test:string: foo\n  test:array:\n    - first\n    - second\n  test:object:\n    foo: bar\n    object:\n      baz: 42",
        );
        expect(config).toEqual({
            "test:array": '["first","second"]',
            "test:boolean": "true",
            "test:number": "42",
            "test:object": '{"foo":"bar","object":{"baz":42}}',
            "test:string": "foo",
        });
    });

    test("TestStackConfigUInt64: integers beyond 2^53 reach the program exactly", () => {
        expect(resolved("name: test\nruntime: dotnet", "config:\n  test:instanceSize: 18446744073709551615").config["test:instanceSize"]).toBe("18446744073709551615");
    });

    test("json.Marshal: map keys sorted by byte, <, > and & escaped, as the program receives a structure", () => {
        const { config } = resolved("name: test\nruntime: nodejs", "config:\n  env:\n    Z: '1'\n    B: a<b>&c\n    A: '2'");
        expect(config["test:env"]).toBe('{"A":"2","B":"a\\u003cb\\u003e\\u0026c","Z":"1"}');
    });

    test("secure values nested in a structure are kept as secrets (Value.Secure) and stand in as the placeholder", () => {
        const { config, secretKeys } = resolved("name: test\nruntime: nodejs", "config:\n  test:env:\n    TOKEN:\n      secure: v1:abc\n    MODE: dev\n");
        expect(config["test:env"]).toBe(`{"MODE":"dev","TOKEN":"${SECRET_PLACEHOLDER}"}`);
        expect(secretKeys).toEqual(["test:env"]);
        // `--set` on the same path gives the plan a real value.
        expect(resolved("name: test\nruntime: nodejs", "config:\n  test:env:\n    TOKEN:\n      secure: v1:abc\n", ["env.TOKEN=t0k3n"]).config["test:env"]).toBe('{"TOKEN":"t0k3n"}');
    });

    test("validateStackConfigValue: a whole secure value is text, so a key declared object refuses it", () => {
        expect(failure("name: test\nruntime: nodejs\nconfig:\n  settings:\n    type: object\n    default: {}", "config:\n  settings:\n    secure: v1:abc\n")).toBe(
            "Stack 'dev' with configuration key 'settings' must be of type 'object'",
        );
    });
});

// ---------------------------------------------------------------------------------------------------------------
// The project file: sdk/go/common/workspace/project.go, project_test.go, config_project_test.go
// ---------------------------------------------------------------------------------------------------------------

describe("Pulumi.yaml (project.go ValidateProject, Project.Validate)", () => {
    function projectError(text: string): string {
        try {
            parseProject(parseYamlText(text, "Pulumi.yaml"), "Pulumi.yaml");
        } catch (err) {
            expect(err).toBeInstanceOf(ProjectError);
            return (err as Error).message;
        }
        throw new Error("expected the project to be refused");
    }

    test("TestProjectLoadsConfigSchemas: every declaration form loads", () => {
        const p = parseProject(
            parseYamlText(
                "name: test\nruntime: dotnet\nconfig:\n  integerSchemaFull:\n    type: integer\n    description: a very important value\n    default: 1\n  integerSchemaSimple: 20\n  textSchemaFull:\n    type: string\n    default: t3.micro\n  textSchemaSimple: t4.large\n  booleanSchemaFull:\n    type: boolean\n    default: true\n  booleanSchemaSimple: false\n  simpleArrayOfStrings:\n    type: array\n    items:\n      type: string\n    default: [hello]\n  arrayOfArrays:\n    type: array\n    items:\n      type: array\n      items:\n        type: string\n  secretString:\n    type: string\n    secret: true\n",
                "Pulumi.yaml",
            ),
            "Pulumi.yaml",
        );
        expect(Object.keys(p.config)).toHaveLength(9);
        expect(p.config.integerSchemaSimple).toEqual({ default: 20n });
        expect(p.config.arrayOfArrays.items).toEqual({ type: "array", items: { type: "string" } });
        expect(p.config.secretString.secret).toBe(true);
    });

    test("TestProjectValidationSucceedsForObjectConfigType", () => {
        expect(() => parseProject(parseYamlText("name: test\nruntime: dotnet\nconfig:\n  example:\n    type: object\n    default:\n      hello: world\n", "Pulumi.yaml"), "Pulumi.yaml")).not.toThrow();
    });

    test("TestProjectValidationFailsForIncorrectDefaultValueType", () => {
        expect(projectError("name: test\nruntime: dotnet\nconfig:\n  instanceSize:\n    type: integer\n    default: hello\n")).toContain(
            "The default value specified for configuration key 'instanceSize' is not of the expected type 'integer'",
        );
        expect(projectError("name: test\nruntime: dotnet\nconfig:\n  values:\n    type: array\n    items:\n      type: array\n      items:\n        type: string\n    default: [hello]\n")).toContain(
            "The default value specified for configuration key 'values' is not of the expected type 'array<array<string>>'",
        );
    });

    test("TestNamespacedProjectConfigShouldNotBeExplicitlyTyped", () => {
        expect(projectError("name: test\nruntime: dotnet\nconfig:\n  aws:region:\n    type: string\n    value:\n      region: us-west-1")).toContain(
            "Configuration key 'aws:region' is not namespaced by the project and should not define a type",
        );
    });

    test("TestProjectConfigCannotHaveBothValueAndDefault", () => {
        expect(projectError("name: test\nruntime: dotnet\nconfig:\n  instanceSize:\n    type: string\n    default: t3.micro\n    value: t4.large")).toContain(
            "project config 'instanceSize' cannot have both a 'default' and 'value' attribute",
        );
    });

    test("TestProjectConfigCannotBeTypedArrayWithoutItems", () => {
        // The schema already requires `items` for an array here; Project.Validate would say the same.
        expect(projectError("name: test\nruntime: dotnet\nconfig:\n  instanceSize:\n    type: array\n    default: [t3.micro, t4.large]")).toBe(
            "could not unmarshal 'Pulumi.yaml': The configuration key 'instanceSize' declares an array but does not specify the underlying type via the 'items' attribute",
        );
    });

    test("TestNamespacedProjectConfigShouldNotBeProvideDefault", () => {
        const message = projectError("name: test\nruntime: dotnet\nconfig:\n  aws:region:\n    default: us-west-1");
        expect(message).toContain("Configuration key 'aws:region' is not namespaced by the project and should not define a default value");
        expect(message).toContain("Did you mean to use the 'value' attribute instead of 'default'?");
    });

    test("TestProjectValidationForName / ValidateProject: a name is required", () => {
        expect(projectError("runtime: nodejs\n")).toBe("could not validate 'Pulumi.yaml': project is missing a 'name' attribute");
        expect(projectError("name: ''\nruntime: nodejs\n")).toBe("could not validate 'Pulumi.yaml': project is missing a non-empty string 'name' attribute");
    });
});
