/**
 * A stand-in for a real training loop, so the examples run in seconds without a GPU: the "validation loss" of a
 * model after `epoch` epochs, best near lr = 3e-3, 4 layers and adam, improving with epochs, with a little noise.
 */
export async function trainOneEpoch(lr: number, layers: number, optimizer: string, epoch: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const lrPenalty = (Math.log10(lr) - Math.log10(3e-3)) ** 2;
  const depthPenalty = 0.05 * (layers - 4) ** 2;
  const optimizerPenalty = optimizer === 'adam' ? 0 : 0.3;
  const floor = 0.1 + lrPenalty + depthPenalty + optimizerPenalty;
  return floor + 2 / (1 + epoch) + 0.02 * Math.random();
}
