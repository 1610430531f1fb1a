// The operations queue's default name, apart from the transport so that the CLI's help can show it
// without loading BullMQ.

export const defaultQueueName = 'zos-ops';
