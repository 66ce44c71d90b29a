/**
 * During `pulumi preview`, CrossGuard hands policies inputs wrapped in a proxy that throws `UnknownValueError` when
 * a policy reads a value not known yet (an ARN of a resource still to be created). A policy that hits one is
 * reported as "can't run during preview" instead of checking anything. `isSet` asks only whether a value will be
 * there, which an unknown value always will.
 */

function isUnknownValueError(err: unknown): boolean {
    return err instanceof Error && err.constructor.name === "UnknownValueError";
}

/** True when `obj[key]` is set: present and not empty, or present and not known yet. */
export function isSet(obj: object | undefined, key: string): boolean {
    if (obj === undefined || obj === null || !(key in obj)) return false;
    try {
        const value = (obj as Record<string, unknown>)[key];
        return value !== undefined && value !== null && value !== "";
    } catch (err) {
        if (isUnknownValueError(err)) return true;
        throw err;
    }
}

/** `read()`, or `placeholder` when it reads a value not known yet (for names in violation messages). */
export function orUnknown<T>(read: () => T, placeholder: T): T {
    try {
        return read();
    } catch (err) {
        if (isUnknownValueError(err)) return placeholder;
        throw err;
    }
}
