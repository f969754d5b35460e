/*
** pdf.h: text of a PDF, page by page, from poppler's pdftotext run as a
** child process with a time limit, so a hostile PDF can hang or crash only
** the child, never the indexer.
*/
#ifndef THP_PDF_H
#define THP_PDF_H

#include "thp/buf.h"
#include "thp/err.h"

/* Seconds a PDF may take before its pdftotext is killed. */
#define PDF_TIMEOUT 30

/*
** Append the UTF-8 text of the PDF at path to out, pages separated by form
** feeds. Fails with THP_ERR_IO (pdftotext missing, failed or timed out)
** and a message saying which.
*/
int pdf_text(const char *path, struct thp_buf *out, struct thp_err *err);

#endif
