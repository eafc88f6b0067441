// Invoked asynchronously; its result goes to the `notifications` queue (an OnSuccess destination).
export const handler = async ({ customer, text }) => {
  console.log(`notifying ${customer}`);
  return { delivered: true, customer, text };
};
