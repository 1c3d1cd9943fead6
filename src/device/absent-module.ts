/** An empty module for a device build: stands in for a module whose only purpose is a side effect the engine does not need. */
export {};
