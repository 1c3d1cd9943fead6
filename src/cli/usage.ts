/** A mistake in the command line or in a file it names: reported before any connection is made. */
export class UsageError extends Error {
  override name = 'UsageError';
}
