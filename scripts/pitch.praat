# Praat's reference pitch figures of one sound, as mockview reports them:
#   praat --run scripts/pitch.praat FILE.wav FLOOR CEILING
# prints: median Hz, SD in semitones, 10th-90th percentile range in
# semitones, voiced frames, and the SD in semitones of the frames within an
# octave of the median (Praat's own octave errors left out). `To Pitch` is
# the autocorrelation method with Praat's defaults (time step 0.75 / floor
# = 10 ms at 75 Hz).
form Pitch
  sentence file
  real floor 75
  real ceiling 600
endform
Read from file: file$
To Pitch: 0, floor, ceiling
median = Get quantile: 0, 0, 0.5, "Hertz"
sd = Get standard deviation: 0, 0, "semitones"
q10 = Get quantile: 0, 0, 0.1, "semitones re 100 Hz"
q90 = Get quantile: 0, 0, 0.9, "semitones re 100 Hz"
voiced = Count voiced frames
frames = Get number of frames
n = 0
sum = 0
sumsq = 0
for i to frames
  f = Get value in frame: i, "Hertz"
  if f <> undefined
    st = 12 * log2 (f / 100)
    if abs (12 * log2 (f / median)) < 12
      n = n + 1
      sum = sum + st
      sumsq = sumsq + st * st
    endif
  endif
endfor
inner = sqrt ((sumsq - sum * sum / n) / (n - 1))
writeInfoLine: fixed$(median, 2), " ", fixed$(sd, 3), " ", fixed$(q90 - q10, 3), " ", voiced, " ", fixed$(inner, 3)
