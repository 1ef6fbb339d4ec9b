/*
 * det_tokens.c: placeholder until its detectors land.
 */
#include "scan/scan.h"

const scan_set scan_set_tokens = {0};
