#version 330 core
// The minimal scene: world-space vertices (boxes are baked into world space on the CPU), one view at a time.

uniform mat4 u_view_projection;  // projection * view, column-vector convention

layout(location = 0) in vec3 a_position;  // metres, world (play) space
layout(location = 1) in vec3 a_normal;    // unit world-space normal; (0, 0, 0) marks unlit geometry (grid lines)
layout(location = 2) in vec3 a_color;     // linear RGB, 0..1

out vec3 v_normal;
out vec3 v_color;

void main() {
    v_normal = a_normal;
    v_color = a_color;
    gl_Position = u_view_projection * vec4(a_position, 1.0);
}
