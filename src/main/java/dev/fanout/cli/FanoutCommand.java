package dev.fanout.cli; public class FanoutCommand { public static void main(String[] a){} }
