#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry point for programs that have their own main (LLVM 11 and later). SwiftPM links a
// debug executable with `main` renamed to `<Target>_main`, so each target defines that symbol and
// hands control to libFuzzer here, instead of relying on libFuzzer's own main.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
