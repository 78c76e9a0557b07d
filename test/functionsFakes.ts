/**
 * In-memory stand-ins behind aws-sdk-client-mock for the handlers' tests: a DynamoDB that evaluates the
 * condition and update expressions the handlers send (so "charges once" is decided by the same conditional
 * writes as in AWS, not by a scripted sequence of answers), and a Step Functions that keeps executions by name
 * with StartExecution's idempotency rules. An expression they cannot read fails the test.
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import {
    DeleteCommand,
    DynamoDBDocumentClient,
    GetCommand,
    PutCommand,
    ScanCommand,
    TransactWriteCommand,
    UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

export function awsError(name: string, extra: Record<string, unknown> = {}): Error {
    const e = new Error(name);
    e.name = name;
    Object.assign(e, extra);
    return e;
}

// ---- expressions -------------------------------------------------------------------------------------------

function tokenize(s: string): string[] {
    const out: string[] = [];
    const re = /\s*(<>|<=|>=|[=<>(),+-]|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;
    let m: RegExpExecArray | null;
    while (re.lastIndex < s.length && (m = re.exec(s))) out.push(m[1]);
    if (re.lastIndex < s.trimEnd().length) throw new Error(`fake DynamoDB cannot read expression: ${s}`);
    return out;
}

class Parser {
    private i = 0;
    constructor(
        private readonly t: string[],
        private readonly item: Item | undefined,
        private readonly names: Names,
        private readonly values: Values,
    ) {}
    private peek(): string | undefined {
        return this.t[this.i];
    }
    private next(): string {
        const v = this.t[this.i++];
        if (v === undefined) throw new Error("fake DynamoDB: unexpected end of expression");
        return v;
    }
    private expect(tok: string): void {
        const v = this.next();
        if (v.toUpperCase() !== tok) throw new Error(`fake DynamoDB: expected ${tok}, got ${v}`);
    }
    name(tok: string): string {
        if (tok.startsWith("#")) {
            const n = this.names?.[tok];
            if (n === undefined) throw new Error(`fake DynamoDB: undefined name ${tok}`);
            return n;
        }
        return tok;
    }
    operand(): unknown {
        const tok = this.next();
        if (tok.startsWith(":")) {
            if (!this.values || !(tok in this.values)) throw new Error(`fake DynamoDB: undefined value ${tok}`);
            return this.values[tok];
        }
        if (tok === "if_not_exists") {
            this.expect("(");
            const path = this.name(this.next());
            this.expect(",");
            const fallback = this.operand();
            this.expect(")");
            return this.item?.[path] ?? fallback;
        }
        return this.item?.[this.name(tok)];
    }
    /** An update's right-hand side: operand, optionally + or - operand. */
    value(): unknown {
        const a = this.operand();
        const op = this.peek();
        if (op === "+" || op === "-") {
            this.next();
            const b = this.operand();
            return op === "+" ? Number(a) + Number(b) : Number(a) - Number(b);
        }
        return a;
    }
    or(): boolean {
        let v = this.and();
        while (this.peek()?.toUpperCase() === "OR") {
            this.next();
            const r = this.and();
            v = v || r;
        }
        return v;
    }
    private and(): boolean {
        let v = this.unary();
        while (this.peek()?.toUpperCase() === "AND") {
            this.next();
            const r = this.unary();
            v = v && r;
        }
        return v;
    }
    private unary(): boolean {
        if (this.peek()?.toUpperCase() === "NOT") {
            this.next();
            return !this.unary();
        }
        if (this.peek() === "(") {
            this.next();
            const v = this.or();
            this.expect(")");
            return v;
        }
        const tok = this.peek();
        if (tok === "attribute_exists" || tok === "attribute_not_exists") {
            this.next();
            this.expect("(");
            const path = this.name(this.next());
            this.expect(")");
            const exists = this.item !== undefined && this.item[path] !== undefined;
            return tok === "attribute_exists" ? exists : !exists;
        }
        const left = this.operand();
        const op = this.next();
        if (op.toUpperCase() === "IN") {
            this.expect("(");
            const options = [this.operand()];
            while (this.peek() === ",") {
                this.next();
                options.push(this.operand());
            }
            this.expect(")");
            return options.includes(left);
        }
        const right = this.operand();
        if (left === undefined || right === undefined) return op === "<>";
        const l = left as number | string;
        const r = right as number | string;
        switch (op) {
            case "=":
                return l === r;
            case "<>":
                return l !== r;
            case "<":
                return l < r;
            case "<=":
                return l <= r;
            case ">":
                return l > r;
            case ">=":
                return l >= r;
        }
        throw new Error(`fake DynamoDB: unknown operator ${op}`);
    }
    done(): void {
        if (this.i !== this.t.length) throw new Error(`fake DynamoDB: trailing tokens ${this.t.slice(this.i).join(" ")}`);
    }
}

export function evaluate(expr: string | undefined, item: Item | undefined, names: Names, values: Values): boolean {
    if (!expr) return true;
    const p = new Parser(tokenize(expr), item, names, values);
    const v = p.or();
    p.done();
    return v;
}

function applyUpdate(expr: string, item: Item, names: Names, values: Values): Item {
    const t = tokenize(expr);
    if (t[0]?.toUpperCase() !== "SET") throw new Error(`fake DynamoDB supports SET updates only: ${expr}`);
    const out = { ...item };
    // Split the assignments at top-level commas.
    const parts: string[][] = [[]];
    let depth = 0;
    for (const tok of t.slice(1)) {
        if (tok === "(") depth++;
        if (tok === ")") depth--;
        if (tok === "," && depth === 0) parts.push([]);
        else parts[parts.length - 1].push(tok);
    }
    const assignments = parts.map((a) => {
        const p = new Parser(a.slice(2), item, names, values);
        const v = p.value();
        p.done();
        if (a[1] !== "=") throw new Error(`fake DynamoDB: bad assignment ${a.join(" ")}`);
        return [p.name(a[0]), v] as const;
    });
    for (const [k, v] of assignments) out[k] = v;
    return out;
}

// ---- DynamoDB ----------------------------------------------------------------------------------------------

export class FakeDynamo {
    readonly tables = new Map<string, Map<string, Item>>();
    readonly mock = mockClient(DynamoDBDocumentClient);
    /** Failures to inject: a table name → the error its next write throws. */
    readonly failNextWrite = new Map<string, Error>();

    constructor(private readonly keys: Record<string, readonly string[]>) {
        const m = this.mock;
        m.on(PutCommand).callsFake((i) =>
            this.put(i.TableName!, i.Item!, i.ConditionExpression, i.ExpressionAttributeNames, i.ExpressionAttributeValues),
        );
        m.on(GetCommand).callsFake((i) => ({ Item: this.get(i.TableName!, i.Key!) }));
        m.on(UpdateCommand).callsFake((i) =>
            this.update(i.TableName!, i.Key!, i.UpdateExpression!, i.ConditionExpression, i.ExpressionAttributeNames, i.ExpressionAttributeValues),
        );
        m.on(DeleteCommand).callsFake((i) =>
            this.delete(i.TableName!, i.Key!, i.ConditionExpression, i.ExpressionAttributeNames, i.ExpressionAttributeValues),
        );
        m.on(ScanCommand).callsFake((i) =>
            this.scan(i.TableName!, i.FilterExpression, i.ExpressionAttributeNames, i.ExpressionAttributeValues, i.ExclusiveStartKey),
        );
        m.on(TransactWriteCommand).callsFake((i) => this.transact(i.TransactItems ?? []));
    }

    private keyOf(table: string, key: Item): string {
        const attrs = this.keys[table];
        if (!attrs) throw new Error(`fake DynamoDB: no table ${table}`);
        return JSON.stringify(attrs.map((a) => key[a]));
    }
    private table(name: string): Map<string, Item> {
        let t = this.tables.get(name);
        if (!t) this.tables.set(name, (t = new Map()));
        return t;
    }
    private injected(table: string): void {
        const e = this.failNextWrite.get(table);
        if (e) {
            this.failNextWrite.delete(table);
            throw e;
        }
    }
    items(table: string): Item[] {
        return [...this.table(table).values()];
    }
    get(table: string, key: Item): Item | undefined {
        const v = this.table(table).get(this.keyOf(table, key));
        return v === undefined ? undefined : structuredClone(v);
    }
    seed(table: string, item: Item): void {
        this.table(table).set(this.keyOf(table, item), structuredClone(item));
    }
    put(table: string, item: Item, cond?: string, names?: Names, values?: Values): object {
        this.injected(table);
        const k = this.keyOf(table, item);
        if (!evaluate(cond, this.table(table).get(k), names, values)) throw awsError("ConditionalCheckFailedException");
        this.table(table).set(k, structuredClone(item));
        return {};
    }
    update(table: string, key: Item, expr: string, cond?: string, names?: Names, values?: Values): object {
        this.injected(table);
        const k = this.keyOf(table, key);
        const current = this.table(table).get(k);
        if (!evaluate(cond, current, names, values)) throw awsError("ConditionalCheckFailedException");
        this.table(table).set(k, applyUpdate(expr, { ...(current ?? {}), ...key }, names, values));
        return {};
    }
    delete(table: string, key: Item, cond?: string, names?: Names, values?: Values): object {
        this.injected(table);
        const k = this.keyOf(table, key);
        if (!evaluate(cond, this.table(table).get(k), names, values)) throw awsError("ConditionalCheckFailedException");
        this.table(table).delete(k);
        return {};
    }
    /** One item a page, so the handlers' pagination is exercised. */
    scan(table: string, filter?: string, names?: Names, values?: Values, start?: Item): object {
        const all = [...this.table(table).entries()].sort(([a], [b]) => a.localeCompare(b));
        const from = start ? all.findIndex(([k]) => k === this.keyOf(table, start)) + 1 : 0;
        const page = all.slice(from, from + 1);
        const items = page.map(([, v]) => v).filter((v) => evaluate(filter, v, names, values));
        const last = page.length && from + 1 < all.length ? page[0][1] : undefined;
        return {
            Items: structuredClone(items),
            ...(last ? { LastEvaluatedKey: Object.fromEntries(this.keys[table].map((a) => [a, last[a]])) } : {}),
        };
    }
    transact(items: readonly Record<string, Record<string, unknown> | undefined>[]): object {
        type Op = {
            TableName: string;
            Key?: Item;
            Item?: Item;
            UpdateExpression?: string;
            ConditionExpression?: string;
            ExpressionAttributeNames?: Names;
            ExpressionAttributeValues?: Values;
        };
        const ops = items.map((t) => (t.Put ? { kind: "put", op: t.Put as Op } : { kind: "update", op: t.Update as Op }));
        const reasons = ops.map(({ kind, op }) => {
            const k = this.keyOf(op.TableName, (kind === "put" ? op.Item : op.Key)!);
            const ok = evaluate(op.ConditionExpression, this.table(op.TableName).get(k), op.ExpressionAttributeNames, op.ExpressionAttributeValues);
            return { Code: ok ? "None" : "ConditionalCheckFailed" };
        });
        if (reasons.some((r) => r.Code !== "None")) throw awsError("TransactionCanceledException", { CancellationReasons: reasons });
        for (const { kind, op } of ops) {
            if (kind === "put") this.table(op.TableName).set(this.keyOf(op.TableName, op.Item!), structuredClone(op.Item!));
            else {
                const k = this.keyOf(op.TableName, op.Key!);
                this.table(op.TableName).set(
                    k,
                    applyUpdate(
                        op.UpdateExpression!,
                        { ...(this.table(op.TableName).get(k) ?? {}), ...op.Key },
                        op.ExpressionAttributeNames,
                        op.ExpressionAttributeValues,
                    ),
                );
            }
        }
        return {};
    }
}

// ---- Step Functions ----------------------------------------------------------------------------------------

export interface FakeExecution {
    name: string;
    input: string;
    status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
    arn: string;
}

export class FakeStepFunctions {
    readonly executions = new Map<string, FakeExecution>();
    readonly mock = mockClient(SFNClient);
    /** Regions (from the execution ARN) whose API does not answer. */
    readonly unreachable = new Set<string>();

    constructor() {
        this.mock.on(StartExecutionCommand).callsFake((i) => {
            const arn = `${i.stateMachineArn!.replace(":stateMachine:", ":execution:")}:${i.name}`;
            const existing = this.executions.get(arn);
            if (existing) {
                if (existing.status === "RUNNING" && existing.input === i.input) return { executionArn: arn, startDate: new Date(0) };
                throw awsError("ExecutionAlreadyExists");
            }
            this.executions.set(arn, { name: i.name!, input: i.input!, status: "RUNNING", arn });
            return { executionArn: arn, startDate: new Date(0) };
        });
        this.mock.on(DescribeExecutionCommand).callsFake((i) => {
            const region = i.executionArn!.split(":")[3];
            if (this.unreachable.has(region)) throw awsError("TimeoutError");
            const e = this.executions.get(i.executionArn!);
            if (!e) throw awsError("ExecutionDoesNotExist");
            return { executionArn: e.arn, status: e.status, input: e.input, name: e.name };
        });
    }

    starts(): number {
        return this.mock.commandCalls(StartExecutionCommand).length;
    }
}
