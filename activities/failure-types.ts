/** Non-retryable failure types that activities throw and workflows match on; a plain module so workflows may import it. */
export const inactiveRecipientFailure = 'InactiveRecipient';
export const emailRejectedFailure = 'EmailRejected';
