#!/usr/bin/env node
// The installed command: a file that exists before the build, so package managers can link it
// at install time; it runs the built CLI.
import '../dist/cli.js';
