/**
 * The AWS SDK warns once per process (and per worker isolate) that its 2027 releases need
 * Node 22. Lambda runs 22+; the local stack and the tests may run on Node 20, where the warning
 * is expected and would only bury real output. Every other warning still prints.
 */
export const silenceSdkNodeVersionWarning = (): void => {
  const defaultListeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'NodeVersionSupportWarning') return;
    if (warning.message.includes('NodeVersionSupportWarning')) return;
    for (const listener of defaultListeners) listener(warning);
  });
};
