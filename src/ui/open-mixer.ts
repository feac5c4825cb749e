// Placeholder until the terminal mixer lands (issue 3).
export async function openMixer(_session: string | undefined, _opts: { device?: string; noDevice?: boolean; blockSize?: number }): Promise<void> {
  throw new Error('the terminal mixer is not built yet');
}
