import { reconnectDelay } from './live.service';

describe('reconnectDelay', () => {
  it('doubles from one second and stops at thirty', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(reconnectDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('waits a second before the first retry however it is counted', () => {
    expect(reconnectDelay(0)).toBe(1000);
  });
});
