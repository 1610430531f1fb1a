// Where the real-host servers listen unless told otherwise, apart from the servers themselves so that
// the CLI's help can show them without loading them.

/** 0-db's own default port. */
export const defaultZdbPort = 9900;
/** Loopback unless told otherwise: a 0-db without an admin password must not face a network. */
export const defaultZdbBind = '127.0.0.1';

export const defaultHubPort = 8090;
/** Loopback: the hub has no authentication. */
export const defaultHubBind = '127.0.0.1';
