import { routeOf, trackStreams } from './route-drawing';

describe('routeOf', () => {
  it('draws a planned track scaled into the box, north up', () => {
    const r = routeOf(trackStreams([[59.9633, 10.6675, 312], [59.9713, 10.6675, 332], [59.9723, 10.669, null]]))!;
    expect(r).not.toBeNull();
    // Three fixes: one move and two lines; the longest side spans the whole box.
    expect(r.path.match(/[ML]/g)).toEqual(['M', 'L', 'L']);
    expect(Math.max(r.width, r.height)).toBeCloseTo(1000, 6);
    // Going north is going up: the second point is above the first.
    expect(r.at[1]![1]).toBeLessThan(r.at[0]![1]);
  });

  it('lifts the pen over a point without a fix and needs two fixes', () => {
    const r = routeOf(trackStreams([[1, 1, null], [null, null, null], [1.001, 1.001, null]]))!;
    expect(r.path.match(/[ML]/g)).toEqual(['M', 'M']);
    expect(routeOf(trackStreams([[1, 1, null]]))).toBeNull();
  });
});
