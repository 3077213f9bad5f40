#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for a program that has its own `main` (SwiftPM names a Swift executable's
/// entry point itself, so libFuzzer's `main` cannot be used): parses libFuzzer's options from
/// `argv` and runs `callback` on each input. Provided by `-sanitize=fuzzer`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
