# SPDX-License-Identifier: GPL-2.0-or-later
# vfioctl: `make` builds ./vfioctl, `make check` runs every test.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

PKG_CONFIG ?= pkg-config
CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wwrite-strings -Wpointer-arith -Wundef -Wvla \
	-Wcast-qual -Wnull-dereference
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)

PKGS := libkmod libpci
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
DEP_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))

override CFLAGS += -std=gnu11 $(WARNINGS) $(DEP_CFLAGS) -D_GNU_SOURCE \
	-DVFIOCTL_VERSION='"$(VERSION)"' -MMD -MP

B := build
SRCS := vfioctl.c $(wildcard lib/*.c)
OBJS := $(SRCS:%.c=$(B)/obj/%.o)

.DELETE_ON_ERROR:
.PHONY: all check check-unit check-vm clean install uninstall deps

all: vfioctl

vfioctl: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

-include $(OBJS:.o=.d)

# Test helpers built from test/.
$(B)/vfio-user: test/vfio-user.c kernel/edu_vfio_pci.h
	@mkdir -p $(B)
	$(CC) -std=c11 -O2 $(WARNINGS) -static -o $@ $<

check: vfioctl
	test/run

install: vfioctl
	install -D -m 0755 vfioctl $(DESTDIR)$(BINDIR)/vfioctl

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vfioctl

clean:
	rm -rf $(B) vfioctl
