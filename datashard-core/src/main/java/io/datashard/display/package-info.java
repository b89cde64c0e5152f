/** Text rendering of rows for people (JShell, the command line). */
package io.datashard.display;
