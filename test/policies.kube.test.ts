/**
 * Kubernetes semantics the policies rely on, from the Kubernetes API reference: LabelSelector (`matchLabels` AND
 * `matchExpressions`; operators In, NotIn, Exists, DoesNotExist; "NotIn" also matches objects without the key), and
 * IntOrString percentages of PodDisruptionBudgets, scaled and rounded up as the disruption controller does
 * (GetScaledValueFromIntOrPercent with roundUp). The pack reads pod labels through these.
 */
import { matchesSelector, scaledValue, selects } from "../policies/kube";

const POD = { app: "api", color: "blue", tier: "web" };

describe("matchesSelector (LabelSelector)", () => {
    test.each([
        [{ matchLabels: { app: "api" } }, true],
        [{ matchLabels: { app: "api", color: "green" } }, false],
        [{ matchExpressions: [{ key: "color", operator: "In", values: ["blue", "green"] }] }, true],
        [{ matchExpressions: [{ key: "color", operator: "In", values: ["green"] }] }, false],
        [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }, false],
        [{ matchExpressions: [{ key: "color", operator: "NotIn", values: ["green"] }] }, true],
        [{ matchExpressions: [{ key: "color", operator: "NotIn", values: ["blue"] }] }, false],
        [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
        [{ matchExpressions: [{ key: "tier", operator: "Exists" }] }, true],
        [{ matchExpressions: [{ key: "zone", operator: "Exists" }] }, false],
        [{ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, true],
        [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
        [{ matchExpressions: [{ key: "tier", operator: "Matches", values: ["web"] }] }, false],
        [{ matchLabels: { app: "api" }, matchExpressions: [{ key: "color", operator: "In", values: ["green"] }] }, false],
        [{ matchLabels: { app: "web" }, matchExpressions: [{ key: "color", operator: "In", values: ["blue"] }] }, false],
        [{ matchLabels: { app: "api" }, matchExpressions: [{ key: "tier", operator: "Exists" }, { key: "zone", operator: "DoesNotExist" }] }, true],
        // Empty: the pack counts it as selecting nothing (a PDB with an empty selector protects no pod it can name).
        [{}, false],
        [{ matchLabels: {}, matchExpressions: [] }, false],
    ])("%j: %s", (selector, expected) => {
        expect(matchesSelector(selector, POD)).toBe(expected);
    });

    test("no selector, no labels", () => {
        expect(matchesSelector(undefined, POD)).toBe(false);
        expect(matchesSelector({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, undefined)).toBe(true);
        expect(matchesSelector({ matchExpressions: [{ key: "zone", operator: "In" }] }, { zone: "a" })).toBe(false);
    });
});

describe("selects (a Service's selector)", () => {
    test("every key must match; an empty selector selects nothing here", () => {
        expect(selects({ app: "api", color: "blue" }, POD)).toBe(true);
        expect(selects({ app: "api", color: "green" }, POD)).toBe(false);
        expect(selects({}, POD)).toBe(false);
        expect(selects(undefined, POD)).toBe(false);
        expect(selects({ app: "api" }, undefined)).toBe(false);
    });
});

describe("scaledValue (IntOrString, rounded up)", () => {
    test.each([
        [2, 10, 2],
        ["2", 10, 2],
        ["25%", 10, 3],
        ["50%", 3, 2],
        ["100%", 7, 7],
        ["0%", 5, 0],
        ["10%", 100, 10],
    ])("%j of %i: %i", (value, total, expected) => {
        expect(scaledValue(value, total)).toBe(expected);
    });

    test.each(["x25%", "25%x", "2x", "x2", "-1", "2.5", ""])("%j is not a count or percentage", (value) => {
        expect(scaledValue(value, 10)).toBeUndefined();
    });
});
