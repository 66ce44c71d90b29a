/**
 * Values not known during a preview (policies/unknowns.ts), against the policy SDK's own proxy: @pulumi/policy
 * 1.21 wraps every resource's props in `unknownCheckingProxy`, whose property reads throw `UnknownValueError` when
 * the engine sent an unknown sentinel (UNKNOWN: `unknownStringValue`, what a computed string is during
 * `pulumi preview`). `isSet` and `orUnknown` turn that one error into an answer; every other error is the policy's
 * own bug and must still stop it.
 */
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import { isSet, orUnknown } from "../policies/unknowns";
import { UNKNOWN } from "./policyHarness";

/** Inputs as a policy sees them during a preview. */
const preview = (inputs: Record<string, unknown>) => unknownCheckingProxy(inputs) as Record<string, unknown>;

/** What `fn` threw (the value itself), or "nothing". */
function thrown(fn: () => unknown): unknown {
    try {
        fn();
    } catch (err) {
        return err;
    }
    return "nothing";
}

describe("the SDK's proxy, as the tests below rely on it", () => {
    test("reading an unknown input throws UnknownValueError; known inputs read as themselves", () => {
        const props = preview({ arn: UNKNOWN, name: "key" });
        expect(props.name).toBe("key");
        const err = thrown(() => props.arn);
        expect(err).toBeInstanceOf(UnknownValueError);
        expect((err as Error).message).toBe("string value at .arn can't be known during preview");
    });
});

describe("isSet", () => {
    test("an unknown value is set: it will be there once the resource it depends on exists", () => {
        expect(isSet(preview({ kmsKeyArn: UNKNOWN }), "kmsKeyArn")).toBe(true);
    });

    test("known values: set unless absent, undefined, null or the empty string", () => {
        expect(isSet({ k: "v" }, "k")).toBe(true);
        expect(isSet({ k: 0 }, "k")).toBe(true);
        expect(isSet({ k: false }, "k")).toBe(true);
        expect(isSet({}, "k")).toBe(false);
        expect(isSet({ k: undefined }, "k")).toBe(false);
        expect(isSet({ k: null }, "k")).toBe(false);
        expect(isSet({ k: "" }, "k")).toBe(false);
        expect(isSet(undefined, "k")).toBe(false);
        // JSON inputs can carry null where an object is expected.
        expect(isSet(null as unknown as object, "k")).toBe(false);
    });

    test("any other error while reading is not an unknown: it propagates", () => {
        const broken = {
            get k(): unknown {
                throw new TypeError("boom");
            },
        };
        const err = thrown(() => isSet(broken, "k"));
        expect(err).toBeInstanceOf(TypeError);
        expect((err as Error).message).toBe("boom");
    });
});

describe("orUnknown", () => {
    test("the value when known, the placeholder when the read hits an unknown", () => {
        const props = preview({ metadata: { name: "api", namespace: UNKNOWN } });
        const meta = () => props.metadata as Record<string, unknown>;
        expect(orUnknown(() => meta().name, "[unknown]")).toBe("api");
        expect(orUnknown(() => meta().namespace, "[unknown]")).toBe("[unknown]");
    });

    test("an Error of another class propagates, even with UnknownValueError's message", () => {
        const message = "string value at .arn can't be known during preview";
        const err = thrown(() =>
            orUnknown(() => {
                throw new TypeError(message);
            }, "[unknown]"),
        );
        expect(err).toBeInstanceOf(TypeError);
    });

    test("a thrown value that is not an Error propagates unchanged", () => {
        // `throw null` and `throw "text"` are legal JavaScript; neither is the SDK's error.
        const nothing = thrown(() =>
            orUnknown(() => {
                throw null;
            }, "[unknown]"),
        );
        expect(nothing).toBeNull();
        expect(
            thrown(() =>
                orUnknown(() => {
                    throw "UnknownValueError";
                }, "[unknown]"),
            ),
        ).toBe("UnknownValueError");
    });
});
