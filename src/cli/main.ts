/** CLI entry (placeholder until the CLI lands). */
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`vanban: not implemented yet (${argv.join(' ')})\n`);
  return 2;
}
