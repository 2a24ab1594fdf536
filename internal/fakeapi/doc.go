// Package fakeapi is an in-process fake of the image generation API of
// API.md, built on net/http/httptest, for the tests and benchmarks of
// pixform.
//
// The entry point is New, which starts a server from Options (key, task
// latency, registration lag, result form, image size, ...). Tests point a
// provider/defapi client at Server.URL, steer behaviour at run time
// (FailPrompt, TextPrompt, Inject, ClearFaults) and observe what arrived
// (Submissions, SubmitCount, Counts). It is safe for concurrent use and
// keeps no goroutine per task: a task's state is computed from the time
// since its submission; only callbacks run on timers.
//
// The fake follows both parts of API.md: the reference (envelopes, both
// 401 shapes, 400 details, 404s) and what the real service does beyond it
// (a fresh task answers 404 for a while, text-only results, results as a
// single object, aspect_ratio and image_size, models beyond the listed
// ones). With Options.NoiseBytes it serves large, incompressible images,
// streamed as they are made, for benchmarks of downloads. It imports
// nothing of pixform; only tests and the benchmark command bench/apply
// import it.
package fakeapi
