# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for vfioctl(8), installed as vfioctl.fish in
# $(pkg-config --variable=completionsdir fish).
#
# The command and option lists are what `vfioctl --help` and
# `vfioctl COMMAND --help` print: test/docs.bats fails when they differ.
# Names are read live, under --root DIR when the line has one: devices from
# sys/bus/pci/devices, drivers from sys/bus/pci/drivers and the modules with
# a vfio_pci: alias, records from etc/vfioctl.d, nodes from dev/vfio.

# The root the line names (--root DIR or --root=DIR, anywhere), "" for /.
function __vfioctl_root
    set -l toks (commandline -o)
    set -l root
    set -l i 2
    while test $i -le (count $toks)
        switch $toks[$i]
            case '--root=*'
                set root (string replace -- --root= '' $toks[$i])
            case --root
                set i (math $i + 1)
                set -q toks[$i]; and set root $toks[$i]
        end
        set i (math $i + 1)
    end
    set -q root[1]; or return
    set root (string replace -r -- '^~' $HOME $root)
    string replace -r -- '/+$' '' $root
end

function __vfioctl_kernel
    set -l toks (commandline -o)
    set -l i (contains -i -- --kernel $toks)
    and set -q toks[(math $i + 1)]
    and echo $toks[(math $i + 1)]
    and return
    string replace -f -- --kernel= '' $toks
end

# Whether word $argv[1] is an option whose value is the next word.
function __vfioctl_takes_value
    switch $argv[1]
        case --root --kernel --driver --owner --numvfs
            return 0
        case '--*'
            return 1
        case '-*d'
            return 0
    end
    return 1
end

# The command (first word before the cursor that is neither an option nor
# an option's value), then the arguments after it; status 1 without one.
function __vfioctl_words
    set -l toks (commandline -opc)
    set -e toks[1]
    set -l found
    set -l skip 0
    set -l dashdash 0
    for t in $toks
        if test $skip = 1
            set skip 0
        else if test $dashdash = 0; and string match -q -- '-*' $t
            if test $t = --
                set dashdash 1
            else if not string match -q -- '*=*' $t; and __vfioctl_takes_value $t
                set skip 1
            end
        else
            set -a found $t
        end
    end
    set -q found[1]; or return 1
    printf '%s\n' $found
end

function __vfioctl_using
    set -l w (__vfioctl_words); or return 1
    contains -- $w[1] $argv
end

function __vfioctl_devices -a root
    for d in $root/sys/bus/pci/devices/*
        echo (path basename $d)
    end
end

function __vfioctl_args
    set -l w (__vfioctl_words); or return
    set -l root (__vfioctl_root)
    set -l persist (contains -- --persist (commandline -o); and echo 1)
    switch $w[1]
        case bind
            __vfioctl_devices $root
            if test -n "$persist"
                # VVVV:DDDD[:SSSS:TTTT] of the devices present
                for d in $root/sys/bus/pci/devices/*
                    test -r $d/vendor -a -r $d/device; or continue
                    set -l id (string replace 0x '' <$d/vendor):(string replace 0x '' <$d/device)
                    echo $id\tids
                    test -r $d/subsystem_vendor -a -r $d/subsystem_device; or continue
                    echo $id:(string replace 0x '' <$d/subsystem_vendor):(string replace 0x '' <$d/subsystem_device)\tids
                end | sort -u
            end
        case unbind
            if test -n "$persist"
                # what the records in etc/vfioctl.d match
                for f in $root/etc/vfioctl.d/*.conf
                    test -f $f; or continue
                    string replace -r '#.*' '' <$f |
                        string replace -rf '^\s*(?:device|ids)\s*=\s*(\S+)\s*$' '$1'\t'record'
                end | sort -u
            else
                __vfioctl_devices $root
            end
        case list-candidates apply
            __vfioctl_devices $root
        case show
            set -q w[2]; or __vfioctl_devices $root
        case sriov
            for d in $root/sys/bus/pci/devices/*/sriov_totalvfs
                echo (path basename (path dirname $d))
            end
        case owner
            # groups N, noiommu-N, iommufd cdevs vfioX; not the container
            set -q w[2]; and return
            for n in $root/dev/vfio/* $root/dev/vfio/devices/vfio*
                test -d $n; and continue
                set n (path basename $n)
                test $n = vfio; or echo $n
            end
    end
end

# Registered PCI drivers, and modules with a VFIO alias from the module
# directory vfioctl would read (--kernel's, the running kernel's, or under
# --root every one there) and modprobe.d.
function __vfioctl_drivers
    set -l root (__vfioctl_root)
    set -l krel (__vfioctl_kernel)
    set -l files
    if test -n "$krel"
        set files $root/lib/modules/$krel/modules.alias
    else if test -z "$root"
        set files /lib/modules/(uname -r)/modules.alias
    else
        set files $root/lib/modules/*/modules.alias
    end
    set -a files $root/{etc,run,usr/local/lib,lib}/modprobe.d/*.conf
    begin
        for d in $root/sys/bus/pci/drivers/*
            echo (path basename $d)\tdriver
        end
        for f in $files
            test -f $f; or continue
            string replace -rf '^alias\s+vfio_pci:\S*\s+(\S+).*' '$1'\t'VFIO module' <$f
        end
    end | sort -u
end

function __vfioctl_releases
    for d in (__vfioctl_root)/lib/modules/*/
        echo (path basename $d)
    end
end

# USER[:GROUP]; under --root vfioctl reads ROOT/etc/passwd and group.
function __vfioctl_owners
    set -l root (__vfioctl_root)
    set -l tok (commandline -ct)
    set tok (string replace -r -- '^--owner=' '' "$tok")
    if string match -q -- '*:*' $tok
        set -l user (string split -m1 : -- $tok)[1]
        if test -n "$root"
            string replace -rf '^([^:#]+):.*' $user':$1' <$root/etc/group 2>/dev/null
        else
            __fish_complete_groups | string replace -r '^' $user:
        end
    else if test -n "$root"
        string replace -rf '^([^:#]+):.*' '$1' <$root/etc/passwd 2>/dev/null
    else
        __fish_complete_users
    end
end

complete -c vfioctl -f

complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a bind -d 'bind devices to their best VFIO driver'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a unbind -d 'give devices back to their previous driver'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a list-devices -d 'list devices, drivers, groups, overrides'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a list-candidates -d 'list the matching VFIO modules, best first'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a show -d 'explain the choice for a device, step by step'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a apply -d 'bind devices as /etc/vfioctl.d records say'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a list-overrides -d 'devices with driver_override set'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a list-persisted -d 'the records in /etc/vfioctl.d'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a import-driverctl -d "records from driverctl's overrides"
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a sriov -d 'create SR-IOV VFs and bind them to VFIO'
complete -c vfioctl -n 'not __vfioctl_words >/dev/null' -a owner -d 'who owns a VFIO node (for udev)'

complete -c vfioctl -n '__vfioctl_words >/dev/null' -a '(__vfioctl_args)'

# global options
complete -c vfioctl -s '?' -l help -d 'Give this help list'
complete -c vfioctl -l usage -d 'Give a short usage message'
complete -c vfioctl -s V -l version -d 'Print program version'
complete -c vfioctl -s j -l json -d 'Print JSON (errors too)'
complete -c vfioctl -s v -l verbose -d 'Say what is done; twice for debug'
complete -c vfioctl -s q -l quiet -d 'Print errors only'
complete -c vfioctl -l root -x -a '(__fish_complete_directories)' -d 'Take every path under DIR'
complete -c vfioctl -l kernel -x -a '(__vfioctl_releases)' -d 'Module directory release'

# options of commands
complete -c vfioctl -n '__vfioctl_using bind sriov' -s d -l driver -x -a '(__vfioctl_drivers)' -d 'Bind to this driver or module'
complete -c vfioctl -n '__vfioctl_using bind unbind apply import-driverctl sriov' -s n -l dry-run -d 'Print the plan; write nothing'
complete -c vfioctl -n '__vfioctl_using list-devices' -l vfio -d 'Only devices on (or set to) a VFIO driver'
complete -c vfioctl -n '__vfioctl_using bind' -l group -d 'Bind the whole IOMMU group, all or nothing'
complete -c vfioctl -n '__vfioctl_using bind sriov' -l noiommu -d "Use VFIO's no-IOMMU mode (UNSAFE)"
complete -c vfioctl -n '__vfioctl_using bind sriov' -l owner -x -a '(__vfioctl_owners)' -d "Give USER the device's VFIO nodes"
complete -c vfioctl -n '__vfioctl_using bind unbind sriov apply' -l force -d 'Take a device in use'
complete -c vfioctl -n '__vfioctl_using sriov' -l numvfs -x -d 'How many VFs to have (0 removes them)'
complete -c vfioctl -n '__vfioctl_using apply' -l sriov-only -d 'Only make the VFs records ask for'
complete -c vfioctl -n '__vfioctl_using bind unbind apply' -l bus -x -a 'pci platform amba fsl-mc cdx' -d 'Device names are of this bus'
complete -c vfioctl -n '__vfioctl_using list-devices list-candidates list-overrides' -l bus -x -a 'pci platform amba fsl-mc cdx all' -d 'Devices of this bus, or of every bus'
complete -c vfioctl -n '__vfioctl_using bind' -l no-reset-required -d 'Load vfio-platform with reset_required=0'
complete -c vfioctl -n '__vfioctl_using bind unbind sriov' -l persist -d 'Also record (or forget) in /etc/vfioctl.d'
