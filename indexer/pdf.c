/*
** pdf.c: pdftotext as a sandboxed-by-process helper. The child gets the
** path as an argument (no shell), writes UTF-8 to a pipe, and is killed if
** it runs past PDF_TIMEOUT or writes more than the output cap.
*/
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pdf.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pdf_text(const char *path, struct thp_buf *out, struct thp_err *err)
{
    int fds[2], status = 0, timed_out = 0;
    double deadline = now_s() + PDF_TIMEOUT;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return thp_err_set(err, THP_ERR_IO, "pipe: %s", strerror(errno));
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return thp_err_set(err, THP_ERR_IO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);

        dup2(fds[1], STDOUT_FILENO);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO);
        execlp("pdftotext", "pdftotext", "-q", "-enc", "UTF-8", "--", path,
               "-", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        struct pollfd p = {fds[0], POLLIN, 0};
        int left = (int)((deadline - now_s()) * 1000);
        ssize_t k;

        if (left <= 0) {
            timed_out = 1;
            break;
        }
        if (poll(&p, 1, left) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p.revents == 0)
            continue;
        if (thp_buf_grow(out, 65536) != THP_OK)
            break; /* over the cap: stop reading, kill below */
        k = read(fds[0], out->s + out->n, out->cap - out->n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        out->n += (size_t)k;
        out->s[out->n] = '\0';
    }
    close(fds[0]);
    if (timed_out || out->rc != THP_OK)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timed_out)
        return thp_err_set(err, THP_ERR_IO, "pdftotext took longer than %d s",
                           PDF_TIMEOUT);
    if (out->rc != THP_OK)
        return thp_err_set(err, out->rc, "PDF text: %s",
                           thp_strerror(out->rc));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return thp_err_set(err, THP_ERR_IO,
                           "pdftotext not found (install poppler-utils)");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return thp_err_set(err, THP_ERR_IO, "not a readable PDF (pdftotext %s %d)",
                           WIFEXITED(status) ? "exit" : "signal",
                           WIFEXITED(status) ? WEXITSTATUS(status)
                                             : WTERMSIG(status));
    return THP_OK;
}
