/*
 * det_code.c: placeholder until its detectors land.
 */
#include "scan/scan.h"

const scan_set scan_set_code = {0};
