// The library's `timeBefore` check judged in the module: `time < T` is satisfied while the clock is
// before T. T is read exactly as src/time-caveat.ts parseCaveatTime reads it (the one definition of the
// accepted forms; test/engine/time-before.test.ts checks that the two never disagree):
//
//   YYYY-MM-DD                                    midnight UTC
//   YYYY-MM-DD(T|t)hh:mm[:ss[.f{1,9}]][Z|z|±hh:mm] a time, UTC when no zone is given
//
// with every field range-checked (no February 31st, no hour 24, no second 60, zone hours up to 23).
// Anything else is not a time caveat here; the engine then hands the caveat back to JS unjudged.

/** "time < " */
const PREFIX_LEN: u32 = 7;
const MS_PER_DAY: i64 = 86400000;

function digits(at: usize, n: u32): i32 {
  let v: i32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const d = i32(load<u8>(at + i)) - 0x30;
    if (<u32>d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Days in `month` of `year` as parseCaveatTime counts them: it asks Date.UTC, which reads a year from 0 to
 * 99 as 1900 + year, so year 0 has no February 29th there (the leap rule of 1900).
 */
function daysIn(year: i32, month: i32): i32 {
  if (month === 2) {
    const y = year < 100 ? year + 1900 : year;
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (as ECMAScript's MakeDay). */
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y = i64(month <= 2 ? year - 1 : year);
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const mp = i64(month > 2 ? month - 3 : month + 9);
  const doy = (153 * mp + 2) / 5 + i64(day) - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/**
 * The instant (milliseconds since the epoch) the caveat time at [at, at + len) names, or NaN when it is
 * not one of the accepted forms.
 */
export function caveatTime(at: usize, len: u32): f64 {
  if (len < 10) return NaN;
  const end = at + len;
  const year = digits(at, 4);
  const month = digits(at + 5, 2);
  const day = digits(at + 8, 2);
  if (year < 0 || month < 0 || day < 0 || load<u8>(at + 4) !== 0x2d || load<u8>(at + 7) !== 0x2d) return NaN;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN;
  let p = at + 10;
  let hour: i32 = 0;
  let minute: i32 = 0;
  let second: i32 = 0;
  let ms: i32 = 0;
  let offset: i32 = 0;
  if (p < end) {
    // (T|t)hh:mm
    if (end - p < 6) return NaN;
    const t = load<u8>(p);
    if ((t !== 0x54 && t !== 0x74) || load<u8>(p + 3) !== 0x3a) return NaN;
    hour = digits(p + 1, 2);
    minute = digits(p + 4, 2);
    if (hour < 0 || minute < 0 || hour > 23 || minute > 59) return NaN;
    p += 6;
    // :ss, then .f{1,9}
    if (p < end && load<u8>(p) === 0x3a) {
      if (end - p < 3) return NaN;
      second = digits(p + 1, 2);
      if (second < 0 || second > 59) return NaN;
      p += 3;
      if (p < end && load<u8>(p) === 0x2e) {
        p++;
        let n: u32 = 0;
        while (p < end && n < 10 && u32(load<u8>(p)) - 0x30 <= 9) {
          if (n < 3) ms = ms * 10 + i32(load<u8>(p)) - 0x30;
          n++;
          p++;
        }
        if (n === 0 || n > 9) return NaN;
        for (; n < 3; n++) ms *= 10;
      }
    }
    // Z, z or ±hh:mm
    if (p < end) {
      const z = load<u8>(p);
      if (z === 0x5a || z === 0x7a) {
        p++;
      } else if (z === 0x2b || z === 0x2d) {
        if (end - p < 6 || load<u8>(p + 3) !== 0x3a) return NaN;
        const zh = digits(p + 1, 2);
        const zm = digits(p + 4, 2);
        if (zh < 0 || zm < 0 || zh > 23 || zm > 59) return NaN;
        offset = (zh * 60 + zm) * 60000;
        if (z === 0x2d) offset = -offset;
        p += 6;
      } else {
        return NaN;
      }
    }
    if (p !== end) return NaN;
  }
  const time = ((i64(hour) * 60 + i64(minute)) * 60 + i64(second)) * 1000 + i64(ms);
  return f64(daysFromCivil(year, month, day) * MS_PER_DAY + time - i64(offset));
}

/**
 * Whether the caveat at [at, at + len) is `time < T` with T in an accepted form and `clock` before T.
 * False for everything else (a NaN clock included): the caveat is then left to JS.
 */
export function timeBefore(at: usize, len: u32, clock: f64): bool {
  if (len <= PREFIX_LEN) return false;
  // "time < " as two little-endian words: "time", then " < " with the next byte masked off.
  if (load<u32>(at) !== 0x656d6974 || (load<u32>(at + 4) & 0xffffff) !== 0x203c20) return false;
  return clock < caveatTime(at + PREFIX_LEN, len - PREFIX_LEN);
}
