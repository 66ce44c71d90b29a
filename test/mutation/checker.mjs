/**
 * The TypeScript checker of `npm run mutate` (stryker.config.mjs, `checkers: ["typescript-incremental"]`): marks a
 * mutant that does not compile as a CompileError, as `@stryker-mutator/typescript-checker` does, with the same
 * compiler, the same tsconfig and the same scope (the mutated file and the files that import it directly, as
 * `assumeChangesOnlyAffectDirectDependencies` in tsconfig.stryker.json), at a fraction of the cost.
 *
 * Why not Stryker's own: it keeps a TypeScript solution builder in watch mode, which releases its program after
 * every build, so every check parses the whole program again. Here a program includes @pulumi/aws (4,858 files):
 * 5.5–7 s a mutant for `lib/iam.ts` and `policies/workloads.ts`, measured with its TypescriptCompiler on this
 * machine (tsc --watch, which keeps its source files, rechecks the same change in 0.9 s). A whole run is about
 * 9,000 mutants. This checker keeps one program's parsed and bound source files, builds each check's program from
 * them (TypeScript reuses every unchanged source file of the old program) and type-checks only:
 *   - the mutated files;
 *   - their direct importers, and only when a mutated file's declarations changed (its `.d.ts` text): a change
 *     inside a function body cannot break a file that imports it, which is how TypeScript's own builder decides
 *     which files a change affects (BuilderState.updateShapeSignature).
 * Mutants of files that share no file among themselves and their importers are checked together (`group`, after
 * Stryker's createGroups): an error is then in exactly one mutant's file or importer. An error that is not (in a
 * file outside the project's graph) sends the group's mutants to be checked one by one.
 *
 * `npm run mutate -- --checker stryker` runs Stryker's checker instead (docs/MUTATION.md compares the two).
 */
import path from "node:path";
import ts from "typescript";
import { CheckStatus } from "@stryker-mutator/api/check";
import { PluginKind, commonTokens, declareClassPlugin, tokens } from "@stryker-mutator/api/plugin";

/** Options Stryker's checker overrides too (tsconfig-helpers' COMPILER_OPTIONS_OVERRIDES), plus our own emit. */
const OVERRIDES = {
    allowUnreachableCode: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    incremental: false,
    composite: false,
    tsBuildInfoFile: undefined,
    // Declarations only, in memory: a mutated file's declaration text tells whether its importers need a check.
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
};

const posix = (fileName) => path.resolve(fileName).split(path.sep).join("/");

export class IncrementalTypescriptChecker {
    static inject = tokens(commonTokens.logger, commonTokens.options);

    #log;
    #tsconfig;
    #options;
    #rootNames = [];
    #host;
    /** The unmutated program: every check's program reuses its source files. */
    #base;
    /** Original source files, by posix file name. */
    #sources = new Map();
    /** Mutated texts of the current check, by posix file name. */
    #overrides = new Map();
    /** Files of the project (not declarations, not node_modules) → the project files that import them directly. */
    #importers = new Map();
    /** Unmutated declaration text per file, computed on first need. */
    #declarations = new Map();

    constructor(logger, options) {
        this.#log = logger;
        this.#tsconfig = options.tsconfigFile ?? "tsconfig.json";
    }

    async init() {
        const parsed = ts.getParsedCommandLineOfConfigFile(this.#tsconfig, OVERRIDES, {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => {
                throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            },
        });
        if (!parsed) throw new Error(`cannot read ${this.#tsconfig}`);
        this.#options = parsed.options;
        this.#rootNames = parsed.fileNames;
        const host = ts.createCompilerHost(this.#options);
        const getSourceFile = host.getSourceFile.bind(host);
        host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
            const key = posix(fileName);
            const text = this.#overrides.get(key);
            if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
            let file = this.#sources.get(key);
            if (!file) {
                file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
                if (file) this.#sources.set(key, file);
            }
            return file;
        };
        this.#host = host;
        this.#base = ts.createProgram({ rootNames: this.#rootNames, options: this.#options, host });
        // Not ts.getPreEmitDiagnostics: with `declaration` on it adds declaration-emit diagnostics, which the
        // project's own type check (noEmit) does not report.
        const base = this.#base;
        const errors = [...base.getOptionsDiagnostics(), ...base.getGlobalDiagnostics(), ...base.getSyntacticDiagnostics(), ...base.getSemanticDiagnostics()]
            .filter((d) => d.category === ts.DiagnosticCategory.Error);
        if (errors.length > 0) throw new Error(`TypeScript errors without any mutant (${this.#tsconfig}):\n${this.#format(errors)}`);
        this.#graph();
        this.#log.info(`${this.#importers.size} project files checked with ${this.#tsconfig}`);
    }

    /** The project's files and who imports whom, from the unmutated program's module resolution. */
    #graph() {
        const inProject = (file) => !file.isDeclarationFile && !file.fileName.includes("/node_modules/");
        for (const file of this.#base.getSourceFiles()) if (inProject(file)) this.#importers.set(posix(file.fileName), new Set());
        for (const file of this.#base.getSourceFiles()) {
            if (!inProject(file)) continue;
            for (const { fileName: specifier } of ts.preProcessFile(file.text, true, true).importedFiles) {
                const resolved = ts.resolveModuleName(specifier, file.fileName, this.#options, this.#host).resolvedModule;
                const target = resolved && posix(resolved.resolvedFileName);
                if (target && target !== posix(file.fileName)) this.#importers.get(target)?.add(posix(file.fileName));
            }
        }
    }

    /** A file and its direct importers: what a mutant of the file can break. */
    #reach(fileName) {
        const key = posix(fileName);
        return new Set([key, ...(this.#importers.get(key) ?? [])]);
    }

    async group(mutants) {
        const [outside, inside] = [mutants.filter((m) => !this.#importers.has(posix(m.fileName))), mutants.filter((m) => this.#importers.has(posix(m.fileName)))];
        const groups = outside.length > 0 ? [outside.map((m) => m.id)] : [];
        let pending = inside;
        while (pending.length > 0) {
            const taken = new Set();
            const group = [];
            const rest = [];
            for (const mutant of pending) {
                const reach = this.#reach(mutant.fileName);
                if ([...reach].some((f) => taken.has(f))) rest.push(mutant);
                else {
                    group.push(mutant.id);
                    for (const f of reach) taken.add(f);
                }
            }
            groups.push(group);
            pending = rest;
        }
        return groups;
    }

    async check(mutants) {
        const result = Object.fromEntries(mutants.map((m) => [m.id, { status: CheckStatus.Passed }]));
        const inside = mutants.filter((m) => this.#importers.has(posix(m.fileName)));
        if (inside.length === 0) return result;
        const errors = this.#errors(inside);
        const unattributed = [];
        for (const [id, diagnostics] of errors.byMutant) result[id] = { status: CheckStatus.CompileError, reason: this.#format(diagnostics) };
        if (errors.unattributed.length > 0) {
            if (inside.length === 1) result[inside[0].id] = { status: CheckStatus.CompileError, reason: this.#format(errors.unattributed) };
            else unattributed.push(...inside);
        }
        for (const mutant of unattributed) {
            const alone = this.#errors([mutant]);
            const diagnostics = [...(alone.byMutant.get(mutant.id) ?? []), ...alone.unattributed];
            result[mutant.id] = diagnostics.length > 0 ? { status: CheckStatus.CompileError, reason: this.#format(diagnostics) } : { status: CheckStatus.Passed };
        }
        return result;
    }

    /** Applies the mutants (at most one per file), type-checks what they can break, attributes each error. */
    #errors(mutants) {
        this.#overrides.clear();
        for (const mutant of mutants) this.#overrides.set(posix(mutant.fileName), this.#mutatedText(mutant));
        const program = ts.createProgram({ rootNames: this.#rootNames, options: this.#options, host: this.#host, oldProgram: this.#base });
        this.#overrides.clear();
        const byMutant = new Map();
        const unattributed = [];
        const owner = new Map();
        const toCheck = new Set();
        for (const mutant of mutants) {
            const key = posix(mutant.fileName);
            owner.set(key, mutant.id);
            toCheck.add(key);
            if (this.#declarationOf(program, key) !== this.#originalDeclaration(key)) {
                for (const importer of this.#importers.get(key) ?? []) {
                    owner.set(importer, mutant.id);
                    toCheck.add(importer);
                }
            }
        }
        const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
        unattributed.push(...global.filter((d) => d.category === ts.DiagnosticCategory.Error));
        for (const key of toCheck) {
            const file = program.getSourceFile(key);
            if (!file) continue;
            const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].filter((d) => d.category === ts.DiagnosticCategory.Error);
            for (const d of diagnostics) {
                const id = d.file ? owner.get(posix(d.file.fileName)) : undefined;
                if (id === undefined) unattributed.push(d);
                else byMutant.set(id, [...(byMutant.get(id) ?? []), d]);
            }
        }
        return { byMutant, unattributed };
    }

    #mutatedText(mutant) {
        const original = this.#sources.get(posix(mutant.fileName)) ?? this.#base.getSourceFile(mutant.fileName);
        if (!original) throw new Error(`${mutant.fileName} is not in ${this.#tsconfig}`);
        // Stryker's locations are zero-based lines and columns (as its own checker's ScriptFile reads them).
        const start = original.getPositionOfLineAndCharacter(mutant.location.start.line, mutant.location.start.column);
        const end = original.getPositionOfLineAndCharacter(mutant.location.end.line, mutant.location.end.column);
        return `${original.text.slice(0, start)}${mutant.replacement}${original.text.slice(end)}`;
    }

    /** A file's declaration text in `program`, or undefined when it has none (emit skipped on errors). */
    #declarationOf(program, key) {
        const file = program.getSourceFile(key);
        if (!file) return undefined;
        let text;
        const result = program.emit(file, (name, data) => {
            if (name.endsWith(".d.ts")) text = data;
        }, undefined, true);
        return result.emitSkipped ? undefined : text;
    }

    #originalDeclaration(key) {
        if (!this.#declarations.has(key)) this.#declarations.set(key, this.#declarationOf(this.#base, key));
        return this.#declarations.get(key);
    }

    #format(diagnostics) {
        return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" });
    }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Checker, "typescript-incremental", IncrementalTypescriptChecker)];
