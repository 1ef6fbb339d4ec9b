/*
 * det_ci.c: placeholder until its detectors land.
 */
#include "scan/scan.h"

const scan_set scan_set_ci = {0};
