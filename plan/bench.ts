export async function bench(_argv: readonly string[]): Promise<number> {
    throw new Error("bench not implemented yet");
}
