// Consumes the `orders` queue. An order without items is reported as a failed item: SQS makes it
// visible again, and after maxReceiveCount it moves to `orders-dlq`.
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    if (!Array.isArray(order.items) || order.items.length === 0) {
      console.log(`rejecting order ${order.id}: no items`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    } else {
      console.log(`fulfilled order ${order.id}`);
    }
  }
  return { batchItemFailures };
};
