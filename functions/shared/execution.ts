import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { errorName } from "./errors";
import type { Logger } from "./log";
import { executionArn, executionInput, type Order } from "./order";

/**
 * Starts an order's fulfilment execution, named after the order, from the order processor or the reconciler.
 * In a Standard state machine StartExecution with the name and input of a running execution returns that
 * execution; a closed execution of that name, or one with other input, answers ExecutionAlreadyExists. The
 * first is a retry finding its own work done; the second is a different message reusing an orderId, which no
 * retry can fix: it is reported, and the existing execution stands.
 *
 * Execution names are unique per state machine, that is per region: the same order can have an execution in
 * each region (a stranded one that resumes when its region returns, and the reconciler's). Every saga step is
 * idempotent for that reason.
 */
export async function startOrderExecution(sfn: SFNClient, logger: Logger, stateMachineArn: string, order: Order): Promise<string> {
    const input = executionInput(order);
    try {
        const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: order.orderId, input }));
        return out.executionArn ?? executionArn(stateMachineArn, order.orderId);
    } catch (e) {
        if (errorName(e) !== "ExecutionAlreadyExists") throw e;
        const arn = executionArn(stateMachineArn, order.orderId);
        const existing = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        if (existing.input !== input)
            logger.log("error", "conflicting duplicate order: an execution of this orderId exists with different input", {
                orderId: order.orderId,
                executionArn: arn,
                status: existing.status,
            });
        return arn;
    }
}
